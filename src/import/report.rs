//! The summary an import prints: counts per data set, then the rejects.

use super::Report;

impl Report {
    /// A table of reports, one row per data set, then every reject (up to
    /// 50 per data set) with its place, field and reason.
    pub fn table(reports: &[(String, Report)]) -> String {
        let width = reports
            .iter()
            .map(|(n, _)| n.chars().count())
            .max()
            .unwrap_or(0)
            .max(8);
        let mut out = format!(
            "{:<width$}  {:>8}  {:>8}  {:>8}  {:>9}  {:>8}\n",
            "data set", "read", "created", "updated", "unchanged", "rejected"
        );
        for (name, r) in reports {
            out.push_str(&format!(
                "{:<width$}  {:>8}  {:>8}  {:>8}  {:>9}  {:>8}\n",
                name,
                r.read,
                r.created,
                r.updated,
                r.unchanged,
                r.rejected.len()
            ));
        }
        for (name, r) in reports {
            for reject in r.rejected.iter().take(50) {
                out.push_str(&format!(
                    "{name}: {}: {}: {}\n",
                    reject.place, reject.field, reject.reason
                ));
            }
            if r.rejected.len() > 50 {
                out.push_str(&format!(
                    "{name}: ... and {} more rejected\n",
                    r.rejected.len() - 50
                ));
            }
            if !r.written {
                out.push_str(&format!("{name}: nothing was written\n"));
            }
        }
        out
    }
}
