//! Builders shared by the migrations (the SQL they produce is what each
//! migration produced when it was written; change them only additively).

use sea_orm_migration::prelude::*;

/// A column by name.
pub fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}

/// A tenant-owned table below district level: `id`, `district_id`, `school_id`.
pub fn tenant(name: &str) -> TableCreateStatement {
    Table::create()
        .table(Alias::new(name))
        .if_not_exists()
        .col(col("id").uuid().not_null().primary_key())
        .col(col("district_id").uuid().not_null())
        .col(col("school_id").uuid().not_null())
        .to_owned()
}

/// An index named `ix_<table>_<cols>`.
pub fn index(table: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(format!("ix_{table}_{}", cols.join("_")))
        .table(Alias::new(table))
        .if_not_exists();
    for c in cols {
        i.col(Alias::new(*c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}
