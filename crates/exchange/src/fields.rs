//! Each interchange record as the cells of its table's row, in the table's column order: one
//! list for the CSV export and the workbook, which differ only in how a cell is written (money
//! as yuan text or as a number, a choice by its id or its Chinese name).

use crate::cell::fund_source_id;
use crate::tables::{Table, GOALS, LIBRARY, PAYMENTS, PROGRESS, PROJECTS, TARGETS, UNITS};
use jixiao_domain::date::Date;
use jixiao_domain::money::Fen;
use jixiao_store::{
    Direction, GoalRecord, LibraryRecord, PaymentRecord, ProgressRecord, ProjectRecord,
    TargetRecord, UnitRecord,
};

/// One cell of a record's row.
pub(crate) enum Field<'a> {
    /// Text as it is.
    Text(&'a str),
    /// A number written as text, so that its digits stay as written (97.50 stays 97.50).
    Digits(String),
    /// An amount.
    Money(Fen),
    /// A date.
    Date(Date),
    /// A choice: its CSV id and its Chinese name.
    Choice(&'static str, &'static str),
}

/// A record of one of the interchange tables.
pub(crate) trait Record {
    /// Its table.
    const TABLE: Table;
    /// Its cells, in the table's column order.
    fn fields(&self) -> Vec<Field<'_>>;
}

use Field::{Choice, Digits, Money, Text};

impl Record for UnitRecord {
    const TABLE: Table = UNITS;
    fn fields(&self) -> Vec<Field<'_>> {
        let parent = self.parent_code.as_deref().unwrap_or("");
        vec![
            Text(&self.code),
            Text(&self.name),
            Text(&self.department_code),
            Text(parent),
            Text(&self.region_code),
        ]
    }
}

impl Record for ProjectRecord {
    const TABLE: Table = PROJECTS;
    fn fields(&self) -> Vec<Field<'_>> {
        let kind = Choice(self.kind.id(), self.kind.label());
        let fund = Choice(fund_source_id(self.fund_source), self.fund_source.label());
        let names = [Text(&self.code), Text(&self.unit_code), Text(&self.name)];
        names
            .into_iter()
            .chain([
                kind,
                fund,
                Money(self.initial_budget),
                Money(self.adjusted_budget),
            ])
            .collect()
    }
}

/// A direction's Chinese name, as the template's list offers it.
fn direction_word(d: Direction) -> &'static str {
    match d {
        Direction::AtLeast => "正向",
        Direction::AtMost => "反向",
        Direction::Qualitative => "定性",
    }
}

impl Record for TargetRecord {
    const TABLE: Table = TARGETS;
    fn fields(&self) -> Vec<Field<'_>> {
        let names = [
            &self.project_code,
            &self.code,
            &self.level1,
            &self.level2,
            &self.name,
        ];
        let actual = self.actual.map(|a| a.to_string()).unwrap_or_default();
        let values = [
            Digits(self.target.to_string()),
            Digits(actual),
            Digits(self.weight.to_string()),
        ];
        let direction = Choice(self.direction.id(), direction_word(self.direction));
        names
            .into_iter()
            .map(|n| Text(n))
            .chain([direction])
            .chain(values)
            .collect()
    }
}

impl Record for PaymentRecord {
    const TABLE: Table = PAYMENTS;
    fn fields(&self) -> Vec<Field<'_>> {
        vec![
            Text(&self.payment_id),
            Text(&self.project_code),
            Field::Date(self.pay_date),
            Money(self.amount),
        ]
    }
}

impl Record for ProgressRecord {
    const TABLE: Table = PROGRESS;
    fn fields(&self) -> Vec<Field<'_>> {
        let head = [
            Text(&self.project_code),
            Text(&self.indicator_code),
            Field::Date(self.as_of),
        ];
        let words = [
            self.likelihood.label(),
            &self.reason_category,
            &self.reason,
            &self.measures,
        ];
        head.into_iter()
            .chain([Digits(self.actual.to_string())])
            .chain(words.map(Text))
            .collect()
    }
}

impl Record for GoalRecord {
    const TABLE: Table = GOALS;
    fn fields(&self) -> Vec<Field<'_>> {
        vec![Text(&self.project_code), Text(&self.goal)]
    }
}

impl Record for LibraryRecord {
    const TABLE: Table = LIBRARY;
    fn fields(&self) -> Vec<Field<'_>> {
        // 是否共性指标 is what the classification says: unclassified indicators are 共性.
        let common = if self.is_general() { "是" } else { "否" };
        let head = [
            &self.code,
            &self.level1,
            &self.level2,
            &self.name,
            &self.value_hint,
            &self.standard,
        ];
        head.into_iter()
            .map(|t| Text(t))
            .chain([Text(common)])
            .chain([&self.function_subject, &self.sector, &self.purpose].map(|t| Text(t)))
            .collect()
    }
}
