//! Numbered, append-only schema migrations, one SQL file per backend per step.
//!
//! A released migration is never edited: a change to the schema is a new file with the next
//! number, in both `migrations/sqlite` and `migrations/postgres`.

/// One step of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Its number, from 1.
    pub version: u32,
    /// What it does, as its file name says.
    pub name: &'static str,
    /// The SQLite statements.
    pub sqlite: &'static str,
    /// The PostgreSQL statements.
    pub postgres: &'static str,
}

macro_rules! migration {
    ($version:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $name, ".sql")),
        }
    };
}

/// Every migration, in order.
pub const MIGRATIONS: [Migration; 13] = [
    migration!(1, "0001_core"),
    migration!(2, "0002_targets_evaluations"),
    migration!(3, "0003_project_execution"),
    migration!(4, "0004_indicator_progress"),
    migration!(5, "0005_projects_by_year"),
    migration!(6, "0006_web"),
    migration!(7, "0007_results"),
    migration!(8, "0008_trust"),
    migration!(9, "0009_one_actual"),
    migration!(10, "0010_declarations"),
    migration!(11, "0011_assessments"),
    migration!(12, "0012_indicator_library"),
    migration!(13, "0013_goals_library_codes"),
];

/// How many migrations this build knows.
pub const MIGRATION_COUNT: u32 = MIGRATIONS.len() as u32;

/// The table that records which migrations are applied (the same on both backends).
pub(crate) const LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

/// The message for a store that a newer jixiao has migrated further than this one knows.
pub(crate) fn too_new(level: u32) -> crate::StoreError {
    crate::StoreError::other(format!(
        "数据库已由更新版本的 jixiao 升级到第 {level} 步迁移，本版本只认识 {MIGRATION_COUNT} 步；请升级 jixiao 后再用"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_in_order_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1);
            assert!(m.name.starts_with(&format!("{:04}_", m.version)));
        }
    }

    #[test]
    fn both_backends_create_the_same_tables() {
        fn tables(sql: &str) -> Vec<String> {
            sql.split("CREATE TABLE ")
                .skip(1)
                .map(|rest| rest.split_whitespace().next().unwrap_or("").to_string())
                .collect()
        }
        for m in MIGRATIONS {
            assert_eq!(tables(m.sqlite), tables(m.postgres), "{}", m.name);
            assert_eq!(
                m.sqlite.matches("ALTER TABLE").count(),
                m.postgres.matches("ALTER TABLE").count(),
                "{}",
                m.name
            );
        }
    }
}
