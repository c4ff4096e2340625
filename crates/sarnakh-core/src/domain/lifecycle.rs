//! The lead lifecycle state machine: lead -> prospect -> converted, with disqualify,
//! nurture and reopen on the side. Every transition in Sarnakh goes through
//! [`LeadState::apply`]; nothing else changes a lead's stage or status.

use std::fmt;

macro_rules! str_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable snake_case name used on the wire and in storage.
            pub const fn as_str(&self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            /// Parses the snake_case name.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$variant),)+ _ => None }
            }

            /// The accepted names, comma-separated, for error messages.
            pub fn expected() -> String {
                [$($text),+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }
    };
}
pub(crate) use str_enum;

str_enum!(
    /// How far along the funnel a lead is.
    LeadStage {
        /// Contact data and a sign of interest; fit not yet judged.
        Lead = "lead",
        /// Qualified: enough facts to judge fit.
        Prospect = "prospect",
        /// Converted into an account, a contact and opportunities.
        Converted = "converted",
    }
);

str_enum!(
    /// Whether a lead is being worked.
    LeadStatus {
        /// Being worked.
        Open = "open",
        /// Not now; revisit on a date.
        Nurture = "nurture",
        /// Out, with a reason.
        Disqualified = "disqualified",
        /// Done: it produced an account and opportunities.
        Converted = "converted",
    }
);

str_enum!(
    /// Why a lead was disqualified.
    DisqualifyReason {
        /// Showed no interest.
        NotInterested = "not_interested",
        /// Far beyond budget.
        NoBudget = "no_budget",
        /// No decision authority and no access to it.
        NoAuthority = "no_authority",
        /// No pain to solve.
        NoNeed = "no_need",
        /// Could not be reached.
        Unreachable = "unreachable",
        /// Outside the ideal buyer persona.
        WrongFit = "wrong_fit",
        /// Another lead already covers this person.
        Duplicate = "duplicate",
        /// Not a real person or request.
        Spam = "spam",
        /// Anything else (explain in the note).
        Other = "other",
    }
);

/// Where a lead stands: stage and status together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeadState {
    /// Funnel stage.
    pub stage: LeadStage,
    /// Work status.
    pub status: LeadStatus,
}

/// A requested lifecycle move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadAction {
    /// lead -> prospect.
    Qualify,
    /// prospect -> converted.
    Convert,
    /// Any open or nurtured lead/prospect -> disqualified.
    Disqualify,
    /// Open lead/prospect -> nurture until a date.
    Nurture,
    /// Disqualified or nurtured -> open again at the same stage.
    Reopen,
}

impl LeadAction {
    /// The verb used in API paths and messages.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Qualify => "qualify",
            Self::Convert => "convert",
            Self::Disqualify => "disqualify",
            Self::Nurture => "nurture",
            Self::Reopen => "reopen",
        }
    }
}

impl LeadState {
    /// A freshly captured lead.
    pub const NEW: Self = Self {
        stage: LeadStage::Lead,
        status: LeadStatus::Open,
    };

    /// The state after `action`, or `None` when the move is illegal from here.
    pub fn apply(self, action: LeadAction) -> Option<Self> {
        use LeadAction as A;
        use LeadStage as S;
        use LeadStatus as St;
        let next = |stage, status| Some(Self { stage, status });
        match (action, self.stage, self.status) {
            (A::Qualify, S::Lead, St::Open) => next(S::Prospect, St::Open),
            (A::Convert, S::Prospect, St::Open) => next(S::Converted, St::Converted),
            (A::Disqualify, S::Lead | S::Prospect, St::Open | St::Nurture) => {
                next(self.stage, St::Disqualified)
            }
            (A::Nurture, S::Lead | S::Prospect, St::Open) => next(self.stage, St::Nurture),
            (A::Reopen, S::Lead | S::Prospect, St::Disqualified | St::Nurture) => {
                next(self.stage, St::Open)
            }
            _ => None,
        }
    }
}

impl fmt::Display for LeadState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.stage, self.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LeadAction as A;
    use LeadStage as S;
    use LeadStatus as St;
    use proptest::prelude::*;
    use rstest::rstest;

    fn st(stage: LeadStage, status: LeadStatus) -> LeadState {
        LeadState { stage, status }
    }

    #[rstest]
    #[case(st(S::Lead, St::Open), A::Qualify, Some(st(S::Prospect, St::Open)))]
    #[case(st(S::Prospect, St::Open), A::Qualify, None)]
    #[case(st(S::Lead, St::Nurture), A::Qualify, None)]
    #[case(st(S::Lead, St::Disqualified), A::Qualify, None)]
    #[case(
        st(S::Prospect, St::Open),
        A::Convert,
        Some(st(S::Converted, St::Converted))
    )]
    #[case(st(S::Lead, St::Open), A::Convert, None)]
    #[case(st(S::Prospect, St::Nurture), A::Convert, None)]
    #[case(
        st(S::Lead, St::Open),
        A::Disqualify,
        Some(st(S::Lead, St::Disqualified))
    )]
    #[case(
        st(S::Prospect, St::Nurture),
        A::Disqualify,
        Some(st(S::Prospect, St::Disqualified))
    )]
    #[case(st(S::Lead, St::Disqualified), A::Disqualify, None)]
    #[case(
        st(S::Prospect, St::Open),
        A::Nurture,
        Some(st(S::Prospect, St::Nurture))
    )]
    #[case(st(S::Lead, St::Nurture), A::Nurture, None)]
    #[case(st(S::Lead, St::Disqualified), A::Reopen, Some(st(S::Lead, St::Open)))]
    #[case(
        st(S::Prospect, St::Nurture),
        A::Reopen,
        Some(st(S::Prospect, St::Open))
    )]
    #[case(st(S::Lead, St::Open), A::Reopen, None)]
    fn transitions_follow_the_lifecycle(
        #[case] from: LeadState,
        #[case] action: LeadAction,
        #[case] to: Option<LeadState>,
    ) {
        assert_eq!(from.apply(action), to);
    }

    fn any_state() -> impl Strategy<Value = LeadState> {
        (
            prop::sample::select(LeadStage::ALL),
            prop::sample::select(LeadStatus::ALL),
        )
            .prop_map(|(stage, status)| LeadState { stage, status })
    }

    fn any_action() -> impl Strategy<Value = LeadAction> {
        prop::sample::select(vec![
            A::Qualify,
            A::Convert,
            A::Disqualify,
            A::Nurture,
            A::Reopen,
        ])
    }

    proptest! {
        #[test]
        fn converted_is_terminal(action in any_action()) {
            prop_assert_eq!(st(S::Converted, St::Converted).apply(action), None);
        }

        #[test]
        fn no_action_moves_a_lead_backwards_in_the_funnel(state in any_state(), action in any_action()) {
            let rank = |s: LeadStage| S::ALL.iter().position(|x| *x == s);
            if let Some(next) = state.apply(action) {
                prop_assert!(rank(next.stage) >= rank(state.stage));
                prop_assert!((next.stage == S::Converted) == (next.status == St::Converted));
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for reason in DisqualifyReason::ALL {
            assert_eq!(DisqualifyReason::parse(reason.as_str()), Some(*reason));
        }
        assert_eq!(LeadStatus::parse("archived"), None);
    }
}
