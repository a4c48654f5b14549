//! The review of a performance-target declaration (绩效目标申报与审核, issue 18): the unit
//! submits, the 主管部门 reviews, the finance bureau's 业务科室 reviews, its 绩效管理科 approves
//! (批复) with the budget; any desk may return it with a comment. Pure: the stages, the steps and
//! which desk holds a stage. Who sits at a desk, and the record of each step, are the
//! application layer's.

/// An enum each of whose variants has a stored id and a name in Chinese and English, all from
/// one list: `ALL` (in order), `id`, `parse` (`None` for an id this build does not know) and
/// `label`.
macro_rules! named {
    ($(#[$m:meta])* pub enum $name:ident {
        $($(#[$vm:meta])* $variant:ident = ($id:literal, $zh:literal, $en:literal),)+
    }) => {
        $(#[$m])*
        pub enum $name {
            $($(#[$vm])* $variant,)+
        }

        impl $name {
            /// Every one, in order.
            pub const ALL: [$name; [$($id),+].len()] = [$($name::$variant),+];

            /// The stored id (or form value).
            pub fn id(self) -> &'static str {
                match self {
                    $($name::$variant => $id,)+
                }
            }

            /// The one of a stored id (or form value).
            pub fn parse(id: &str) -> Option<$name> {
                match id {
                    $($id => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// Its name, in Chinese and English.
            pub fn label(self) -> (&'static str, &'static str) {
                match self {
                    $($name::$variant => ($zh, $en),)+
                }
            }
        }
    };
}

named! {
    /// Where a declaration stands, in the order of the review.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Stage {
        /// Being drafted by the unit.
        Draft = ("draft", "草稿", "Draft"),
        /// Submitted: with the 主管部门.
        AtDepartment = ("at_department", "已提交，待主管部门审核", "With the department"),
        /// Passed by the department: with the bureau's 业务科室.
        AtSection = (
            "at_section",
            "主管部门审核通过，待财政业务科室审核",
            "With the budget section"
        ),
        /// Passed by the 业务科室: with the 绩效管理科 for approval.
        AtPerformance = (
            "at_performance",
            "业务科室审核通过，待绩效管理科批复",
            "With the performance section"
        ),
        /// Approved (批复): frozen; monitoring and evaluation read this version.
        Approved = ("approved", "已批复", "Approved"),
        /// Returned with a comment: editable again.
        Returned = ("returned", "已退回修改", "Returned"),
    }
}

/// Who holds a declaration at a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desk {
    /// The declaring unit (drafts, returns, adjustments).
    Unit,
    /// The 主管部门's reviewer.
    Department,
    /// The finance bureau's 业务科室.
    Section,
    /// The finance bureau's 绩效管理科.
    Performance,
}

impl Stage {
    /// Who holds it.
    pub fn desk(self) -> Desk {
        match self {
            Stage::Draft | Stage::Returned | Stage::Approved => Desk::Unit,
            Stage::AtDepartment => Desk::Department,
            Stage::AtSection => Desk::Section,
            Stage::AtPerformance => Desk::Performance,
        }
    }

    /// Whether the unit may save a new version: a draft, a returned one, or an approved one (a
    /// 目标调整, which needs a reason and goes through the review again; the approved version
    /// stays in force until the adjustment is approved).
    pub fn editable(self) -> bool {
        matches!(self, Stage::Draft | Stage::Returned | Stage::Approved)
    }
}

named! {
    /// A step of the review.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Step {
        /// The unit submits (报送).
        Submit = ("submit", "报送审核", "Submit"),
        /// A reviewing desk passes it on (审核通过).
        Pass = ("pass", "审核通过", "Pass on"),
        /// A reviewing desk returns it with a comment (退回).
        Return = ("return", "退回修改", "Return with comments"),
        /// The 绩效管理科 approves it (批复).
        Approve = ("approve", "批复", "Approve"),
    }
}

impl Step {
    /// The stage it leads to from `from`, or `None` when it cannot be taken there.
    pub fn to(self, from: Stage) -> Option<Stage> {
        match (self, from) {
            (Step::Submit, Stage::Draft | Stage::Returned) => Some(Stage::AtDepartment),
            (Step::Pass, Stage::AtDepartment) => Some(Stage::AtSection),
            (Step::Pass, Stage::AtSection) => Some(Stage::AtPerformance),
            (Step::Return, Stage::AtDepartment | Stage::AtSection | Stage::AtPerformance) => {
                Some(Stage::Returned)
            }
            (Step::Approve, Stage::AtPerformance) => Some(Stage::Approved),
            _ => None,
        }
    }

    /// Whether a return needs its comment (it does: the unit must know what to change).
    pub fn needs_comment(self) -> bool {
        self == Step::Return
    }
}

/// The steps that can be taken from a stage, in the order a page offers them.
pub fn steps_from(stage: Stage) -> Vec<Step> {
    Step::ALL
        .into_iter()
        .filter(|s| s.to(stage).is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declaration_goes_through_three_desks_and_any_of_them_returns_it() {
        let mut stage = Stage::Draft;
        for (step, desk) in [
            (Step::Submit, Desk::Department),
            (Step::Pass, Desk::Section),
            (Step::Pass, Desk::Performance),
        ] {
            stage = step.to(stage).unwrap();
            assert_eq!(stage.desk(), desk);
            assert_eq!(Step::Return.to(stage), Some(Stage::Returned));
            assert_eq!(Step::Approve.to(stage).is_some(), desk == Desk::Performance);
        }
        assert_eq!(Step::Approve.to(stage), Some(Stage::Approved));
        // Approved is frozen: only a new version (an adjustment) moves it, through Submit.
        assert_eq!(steps_from(Stage::Approved), Vec::<Step>::new());
        assert!(Stage::Approved.editable() && !Stage::AtSection.editable());
        assert_eq!(steps_from(Stage::Returned), vec![Step::Submit]);
        // Each id reads back as its own, and the ids are distinct.
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.id()), Some(s));
        }
        for s in Step::ALL {
            assert_eq!(Step::parse(s.id()), Some(s));
        }
        assert_eq!(Stage::parse("unknown"), None);
    }
}
