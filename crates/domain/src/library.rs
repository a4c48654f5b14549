//! The 指标库 (issue 18): indicators to draft declarations from — the shipped 共性 ones and the
//! 个性 ones a finance bureau promoted, classified by 功能分类科目, 行业/领域 and 资金用途 — and
//! each one's history in the store: the targets and actuals it had in past years (min, median,
//! max), and last year's actual for the same project.

use crate::project::Level1;
use rust_decimal::Decimal;

/// How an indicator is classified (each may be empty: it then applies to any).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Classification {
    /// 功能分类科目 (e.g. 2010301 行政运行).
    pub function_subject: String,
    /// 行业/领域.
    pub sector: String,
    /// 资金用途.
    pub purpose: String,
}

impl Classification {
    /// Whether an indicator of this classification is offered for a project of `other`: every
    /// part this one names must be the other's (an empty part applies to any).
    pub fn applies_to(&self, other: &Classification) -> bool {
        let fits = |mine: &str, theirs: &str| mine.is_empty() || mine == theirs;
        fits(&self.function_subject, &other.function_subject)
            && fits(&self.sector, &other.sector)
            && fits(&self.purpose, &other.purpose)
    }

    /// Whether an indicator of this classification answers a search for `q`: each part the
    /// search names is this one's, or this one leaves it open.
    pub fn answers(&self, q: &Classification) -> bool {
        let fits = |mine: &str, asked: &str| asked.is_empty() || mine.is_empty() || mine == asked;
        fits(&self.function_subject, &q.function_subject)
            && fits(&self.sector, &q.sector)
            && fits(&self.purpose, &q.purpose)
    }

    /// Whether it names nothing (a 共性 indicator's).
    pub fn is_general(&self) -> bool {
        self.function_subject.is_empty() && self.sector.is_empty() && self.purpose.is_empty()
    }
}

/// One indicator of the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryIndicator {
    /// Its id in the store; `None` for a shipped one.
    pub id: Option<i64>,
    /// 一级指标.
    pub level1: Level1,
    /// 二级指标.
    pub level2: String,
    /// 三级指标.
    pub name: String,
    /// How its 指标值 is written (`≥90%`, `≥N人`).
    pub value_hint: String,
    /// Its scoring standard (评(扣)分标准).
    pub standard: String,
    /// Its classification.
    pub classification: Classification,
    /// Where it came from (the shipped file, or the declaration it was promoted from).
    pub source: String,
}

/// One past use of an indicator: a project of a stored year that had it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    /// The year.
    pub year: i32,
    /// The department's code.
    pub department: String,
    /// The project's name.
    pub project: String,
    /// Its target, when a number.
    pub target: Option<Decimal>,
    /// Its actual, when entered.
    pub actual: Option<Decimal>,
}

/// The least, the median and the greatest of some values (the median of an even count is the
/// mean of the middle two, exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spread {
    /// The least.
    pub min: Decimal,
    /// The median.
    pub median: Decimal,
    /// The greatest.
    pub max: Decimal,
    /// How many values.
    pub count: usize,
}

impl std::fmt::Display for Spread {
    /// `min / median / max`, as the library's page and workbook show it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} / {} / {}",
            self.min.normalize(),
            self.median.normalize(),
            self.max.normalize()
        )
    }
}

/// The spread of `values`, or `None` when there are none.
pub fn spread(values: impl IntoIterator<Item = Decimal>) -> Option<Spread> {
    let mut v: Vec<Decimal> = values.into_iter().collect();
    if v.is_empty() {
        return None;
    }
    v.sort();
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / Decimal::from(2)
    };
    Some(Spread {
        min: v[0],
        median,
        max: v[n - 1],
        count: n,
    })
}

/// An indicator's history: its past uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Every use found, oldest year first.
    pub uses: Vec<Use>,
}

impl History {
    /// The spread of its targets.
    pub fn targets(&self) -> Option<Spread> {
        spread(self.uses.iter().filter_map(|u| u.target))
    }

    /// The spread of its actuals.
    pub fn actuals(&self) -> Option<Spread> {
        spread(self.uses.iter().filter_map(|u| u.actual))
    }

    /// Last year's actual of the same project, for a declaration of `year`.
    pub fn last_actual(&self, project: &str, year: i32) -> Option<Decimal> {
        self.uses
            .iter()
            .find(|u| u.project == project && u.year == year - 1)
            .and_then(|u| u.actual)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spread_is_exact_and_the_median_of_an_even_count_is_the_middle_mean() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let s = spread([d("95"), d("90"), d("100"), d("92")]).unwrap();
        assert_eq!(
            (s.min, s.median, s.max, s.count),
            (d("90"), d("93.5"), d("100"), 4)
        );
        assert_eq!(spread([d("7")]).unwrap().median, d("7"));
        assert!(spread([]).is_none());
    }

    #[test]
    fn a_classification_applies_where_it_names_nothing_or_the_same() {
        let any = Classification::default();
        let archives = Classification {
            sector: "档案".into(),
            ..Classification::default()
        };
        assert!(any.applies_to(&archives) && archives.applies_to(&archives));
        assert!(!archives.applies_to(&any));
        assert!(any.is_general() && !archives.is_general());
        // A search names what it names: an indicator under 档案 and a subject answers 档案.
        let filed = Classification {
            function_subject: "2010350".into(),
            ..archives.clone()
        };
        assert!(filed.answers(&archives) && any.answers(&archives));
        assert!(!filed.answers(&Classification {
            sector: "交通".into(),
            ..Classification::default()
        }));
    }
}
