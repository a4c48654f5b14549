//! 事前绩效评估 (ex-ante performance assessment, issue 18): a project's (or a policy's)
//! dimensions scored by the bureau, a third-party agency or a panel of experts — each expert
//! separately, the panel's score their trimmed mean, a wide spread flagged — and the conclusion
//! 予以支持 / 调整后予以支持 / 不予支持 with a suggested budget control figure. The dimensions,
//! weights, bands and thresholds are data (`frameworks/assessment-*.toml`, provisional).

use crate::money::Fen;
use crate::targets::ProjectKind;
use rust_decimal::Decimal;

/// The conclusion of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conclusion {
    /// 予以支持.
    Support,
    /// 调整后予以支持.
    SupportAfterAdjustment,
    /// 不予支持.
    NoSupport,
}

impl Conclusion {
    /// All three, best first.
    pub const ALL: [Conclusion; 3] = [
        Conclusion::Support,
        Conclusion::SupportAfterAdjustment,
        Conclusion::NoSupport,
    ];

    /// The stored id.
    pub fn id(self) -> &'static str {
        match self {
            Conclusion::Support => "support",
            Conclusion::SupportAfterAdjustment => "support_after_adjustment",
            Conclusion::NoSupport => "no_support",
        }
    }

    /// The conclusion of a stored id, or of its Chinese name.
    pub fn parse(s: &str) -> Option<Conclusion> {
        Conclusion::ALL
            .into_iter()
            .find(|c| c.id() == s || c.label().0 == s)
    }

    /// Its name (Chinese, English).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Conclusion::Support => ("予以支持", "supported"),
            Conclusion::SupportAfterAdjustment => ("调整后予以支持", "supported once adjusted"),
            Conclusion::NoSupport => ("不予支持", "not supported"),
        }
    }

    /// Whether a project with this conclusion may be approved.
    pub fn supports(self) -> bool {
        self != Conclusion::NoSupport
    }
}

/// One dimension of the assessment (立项必要性 …) and its points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dimension {
    /// Its name.
    pub name: String,
    /// Its points (the dimensions add up to the framework's total).
    pub weight: Decimal,
    /// What the assessor looks at.
    pub guide: String,
}

/// An assessment framework: its dimensions, how a panel's scores combine, the bands of the
/// conclusion, and which projects need one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentFramework {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Whether some of it could not be confirmed from an official text.
    pub provisional: bool,
    /// Where it comes from, and what is ours.
    pub source: String,
    /// The dimensions, in the report's order.
    pub dimensions: Vec<Dimension>,
    /// How many of the highest and of the lowest experts' totals a panel drops (when it has
    /// more than twice as many).
    pub trim: usize,
    /// A panel whose experts' totals spread by this many points or more is flagged.
    pub spread_flag: Decimal,
    /// The lowest score of 予以支持, and of 调整后予以支持; below, 不予支持.
    pub support_from: Decimal,
    /// See `support_from`.
    pub adjusted_from: Decimal,
    /// A continuing project needs an assessment from this amount of 年度资金 (a new one always).
    pub continuing_from: Fen,
}

impl AssessmentFramework {
    /// The total of the dimensions' points.
    pub fn total(&self) -> Decimal {
        self.dimensions.iter().map(|d| d.weight).sum()
    }

    /// Whether a project of this kind and funds needs an assessment before approval.
    pub fn needs(&self, kind: ProjectKind, funds: Fen) -> bool {
        kind == ProjectKind::New || funds >= self.continuing_from
    }

    /// The conclusion a score gives.
    pub fn conclusion(&self, score: Decimal) -> Conclusion {
        if score >= self.support_from {
            Conclusion::Support
        } else if score >= self.adjusted_from {
            Conclusion::SupportAfterAdjustment
        } else {
            Conclusion::NoSupport
        }
    }

    /// The panel's score from its experts' totals.
    pub fn panel(&self, totals: &[Decimal]) -> Option<Panel> {
        if totals.is_empty() {
            return None;
        }
        let mut sorted = totals.to_vec();
        sorted.sort();
        let trim = if sorted.len() > 2 * self.trim {
            self.trim
        } else {
            0
        };
        let kept = &sorted[trim..sorted.len() - trim];
        let score = kept.iter().copied().sum::<Decimal>() / Decimal::from(kept.len() as u64);
        let spread = sorted[sorted.len() - 1] - sorted[0];
        Some(Panel {
            score,
            experts: sorted.len(),
            dropped: 2 * trim,
            spread,
            flagged: sorted.len() > 1 && spread >= self.spread_flag,
        })
    }
}

/// A panel's score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panel {
    /// The trimmed mean of the experts' totals (unrounded).
    pub score: Decimal,
    /// How many experts scored.
    pub experts: usize,
    /// How many totals were dropped (the highest and lowest alike).
    pub dropped: usize,
    /// The highest total less the lowest.
    pub spread: Decimal,
    /// Whether the spread is at or above the framework's flag.
    pub flagged: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framework() -> AssessmentFramework {
        AssessmentFramework {
            id: "t".into(),
            title: "t".into(),
            provisional: true,
            source: String::new(),
            dimensions: [
                "立项必要性",
                "投入经济性",
                "绩效目标合理性",
                "实施方案可行性",
                "筹资合规性",
            ]
            .iter()
            .map(|n| Dimension {
                name: n.to_string(),
                weight: Decimal::from(20),
                guide: String::new(),
            })
            .collect(),
            trim: 1,
            spread_flag: Decimal::from(15),
            support_from: Decimal::from(80),
            adjusted_from: Decimal::from(60),
            continuing_from: Fen(500_000_000),
        }
    }

    #[test]
    fn a_panel_drops_its_highest_and_lowest_and_flags_a_wide_spread() {
        let f = framework();
        let d = |n: i64| Decimal::from(n);
        let p = f.panel(&[d(70), d(92), d(85)]).unwrap();
        assert_eq!(
            (p.score, p.dropped, p.spread, p.flagged),
            (d(85), 2, d(22), true)
        );
        // Two experts are averaged, nothing dropped.
        let p = f.panel(&[d(80), d(84)]).unwrap();
        assert_eq!((p.score, p.dropped, p.flagged), (d(82), 0, false));
        assert!(f.panel(&[]).is_none());
        assert_eq!(f.conclusion(d(85)), Conclusion::Support);
        assert_eq!(
            f.conclusion(Decimal::new(7999, 2)),
            Conclusion::SupportAfterAdjustment
        );
        assert_eq!(f.conclusion(d(59)), Conclusion::NoSupport);
        assert_eq!(f.total(), d(100));
    }

    #[test]
    fn new_projects_always_need_one_continuing_ones_from_the_amount() {
        let f = framework();
        assert!(f.needs(ProjectKind::New, Fen::ZERO));
        assert!(!f.needs(ProjectKind::Continuing, Fen(499_999_999)));
        assert!(f.needs(ProjectKind::Continuing, Fen(500_000_000)));
    }
}
