//! The editing workflow as pure rules: a function of (state, action, actor) that returns a
//! [`Plan`] or a [`Refusal`]. No database, no HTTP: the service in `workflow/mod.rs` runs the
//! plan through the store.
//!
//! ```text
//! concept ──indienen──▶ ter-beoordeling ──goedkeuren──▶ gepubliceerd ──archiveren──▶ gearchiveerd
//!    ▲                        │ terugsturen (reden)          │ bewerken (partner)
//!    └──── bewerken ◀── teruggestuurd                        ▼
//!                                             pending change ter-beoordeling
//!                                              goedkeuren: applied · terugsturen: kept, with reason
//! ```
//! Editors, admins and partners of trusted organisations act "directly": their submissions
//! publish and their edits of published items apply at once.

use crate::domain::Status;

/// What someone asks to do with an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Replace the content.
    Edit,
    /// Submit for review (or publish, when direct).
    Submit,
    /// An editor approves what waits for review.
    Approve,
    /// An editor sends back what waits for review, with a reason.
    Return(String),
    Archive,
    /// "Nog actueel": confirm the item is still right.
    Confirm,
}

/// The workflow state of an item: its status and the status of a pending change, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub status: Status,
    pub pending: Option<Status>,
}

/// Who acts, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// Editors and admins review, and act directly.
    pub editor: bool,
    /// A partner of a trusted organisation acts directly too.
    pub trusted: bool,
}

impl Actor {
    fn direct(self) -> bool {
        self.editor || self.trusted
    }
}

/// What happens to the item's content columns (what search shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentStep {
    Keep,
    /// Write the content the caller sent.
    WriteSent,
    /// Write the pending proposal (checked against today's taxonomy first).
    ApplyProposal,
}

/// What happens to the pending change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingStep {
    Clear,
    /// Unchanged, keeping its place in the review queue.
    Keep,
    /// The content the caller sent becomes a proposal waiting for review.
    ProposeSent,
    /// The existing proposal goes (back) to review, submitted by the caller.
    Resubmit,
    /// The existing proposal is sent back to its author.
    SendBack,
}

/// What happens to the editor's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteStep {
    Clear,
    Keep,
    Set(String),
}

/// Whose content must pass today's taxonomy before the step (it may predate a change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Nothing,
    /// The item's working content (the proposal, when there is one).
    Current,
}

/// An audit-log entry the step writes: action and detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    pub action: &'static str,
    pub detail: String,
}

/// Everything one step does, decided before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub status: Status,
    pub content: ContentStep,
    pub pending: PendingStep,
    pub note: NoteStep,
    pub check: Check,
    /// Record the caller as submitter, now.
    pub stamp_submitter: bool,
    pub verified_now: bool,
    /// The revision's action name.
    pub revision: &'static str,
    /// The revision's note.
    pub revision_note: Option<String>,
    pub audit: Option<Audit>,
    /// Whether search must look at the item again.
    pub reindex: bool,
    /// What the organisation's partners are told by e-mail, if anything.
    pub tell_partners: Option<PartnerNotice>,
}

/// An e-mail to the partners of an item's organisation after an editor's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartnerNotice {
    Published,
    Returned(String),
}

impl Plan {
    fn new(status: Status, revision: &'static str) -> Plan {
        Plan {
            status,
            content: ContentStep::Keep,
            pending: PendingStep::Clear,
            note: NoteStep::Clear,
            check: Check::Nothing,
            stamp_submitter: false,
            verified_now: false,
            revision,
            revision_note: None,
            audit: None,
            tell_partners: None,
            reindex: false,
        }
    }
}

/// Why a step is refused, in the workflow's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("alleen de redactie beoordeelt")]
    NotAReviewer,
    #[error("al ingediend")]
    AlreadySubmitted,
    #[error("al gepubliceerd, niets in te dienen")]
    NothingToSubmit,
    #[error("niets te beoordelen")]
    NothingToReview,
    #[error("al gearchiveerd")]
    AlreadyArchived,
    #[error("gearchiveerd, niet te bevestigen")]
    ArchivedCannotBeConfirmed,
}

impl Refusal {
    /// The message for the person who tried, in plain Dutch.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::NotAReviewer => "Alleen de redactie kan beoordelen.",
            Refusal::AlreadySubmitted => {
                "Dit is al ingediend en wacht op beoordeling door de redactie."
            }
            Refusal::NothingToSubmit => {
                "Dit item is al gepubliceerd; er is geen wijziging om in te dienen."
            }
            Refusal::NothingToReview => "Er wacht voor dit item niets op beoordeling.",
            Refusal::AlreadyArchived => "Dit item is al gearchiveerd.",
            Refusal::ArchivedCannotBeConfirmed => {
                "Een gearchiveerd item kan niet als actueel worden bevestigd."
            }
        }
    }
}

/// The plan for `action` by `actor` on an item in `state`.
pub fn plan(state: State, action: &Action, actor: Actor) -> Result<Plan, Refusal> {
    use Status::*;
    let published = state.status == Gepubliceerd;
    match action {
        Action::Edit if published && !actor.direct() => Ok(Plan {
            pending: PendingStep::ProposeSent,
            ..Plan::new(Gepubliceerd, "wijziging-voorgesteld")
        }),
        Action::Edit => {
            // A direct edit replaces a waiting proposal: approving that later would overwrite
            // this newer content with older.
            let replaces = state.pending.is_some();
            Ok(Plan {
                content: ContentStep::WriteSent,
                note: if replaces {
                    NoteStep::Clear
                } else {
                    NoteStep::Keep
                },
                revision_note: replaces
                    .then(|| "voorgestelde wijziging vervangen door deze bewerking".to_string()),
                audit: replaces.then(|| Audit {
                    action: "wijziging-vervangen",
                    detail: "directe bewerking".into(),
                }),
                reindex: published,
                ..Plan::new(state.status, "bewerkt")
            })
        }
        Action::Submit => match (state.status, state.pending) {
            (Concept | Teruggestuurd | Gearchiveerd, _) => {
                let direct = actor.direct();
                Ok(Plan {
                    check: Check::Current,
                    stamp_submitter: true,
                    verified_now: direct,
                    reindex: direct,
                    ..if direct {
                        Plan::new(Gepubliceerd, "gepubliceerd")
                    } else {
                        Plan::new(TerBeoordeling, "ingediend")
                    }
                })
            }
            (Gepubliceerd, Some(Teruggestuurd)) if actor.direct() => Ok(Plan {
                content: ContentStep::ApplyProposal,
                verified_now: true,
                reindex: true,
                ..Plan::new(Gepubliceerd, "gepubliceerd")
            }),
            (Gepubliceerd, Some(Teruggestuurd)) => Ok(Plan {
                pending: PendingStep::Resubmit,
                ..Plan::new(Gepubliceerd, "ingediend")
            }),
            (TerBeoordeling, _) | (Gepubliceerd, Some(_)) => Err(Refusal::AlreadySubmitted),
            (Gepubliceerd, None) => Err(Refusal::NothingToSubmit),
        },
        Action::Approve | Action::Return(_) if !actor.editor => Err(Refusal::NotAReviewer),
        Action::Approve => match (state.status, state.pending) {
            (TerBeoordeling, _) => Ok(Plan {
                check: Check::Current,
                verified_now: true,
                reindex: true,
                audit: Some(Audit {
                    action: "beoordeling-goedgekeurd",
                    detail: "nieuw item".into(),
                }),
                tell_partners: Some(PartnerNotice::Published),
                ..Plan::new(Gepubliceerd, "goedgekeurd")
            }),
            (Gepubliceerd, Some(TerBeoordeling)) => Ok(Plan {
                content: ContentStep::ApplyProposal,
                verified_now: true,
                reindex: true,
                audit: Some(Audit {
                    action: "beoordeling-goedgekeurd",
                    detail: "wijziging".into(),
                }),
                tell_partners: Some(PartnerNotice::Published),
                ..Plan::new(Gepubliceerd, "goedgekeurd")
            }),
            _ => Err(Refusal::NothingToReview),
        },
        Action::Return(reason) => {
            let sent_back = |status, pending| Plan {
                pending,
                note: NoteStep::Set(reason.clone()),
                revision_note: Some(reason.clone()),
                audit: Some(Audit {
                    action: "beoordeling-teruggestuurd",
                    detail: reason.clone(),
                }),
                tell_partners: Some(PartnerNotice::Returned(reason.clone())),
                ..Plan::new(status, "teruggestuurd")
            };
            match (state.status, state.pending) {
                (TerBeoordeling, _) => Ok(sent_back(Teruggestuurd, PendingStep::Clear)),
                (Gepubliceerd, Some(TerBeoordeling)) => {
                    Ok(sent_back(Gepubliceerd, PendingStep::SendBack))
                }
                _ => Err(Refusal::NothingToReview),
            }
        }
        Action::Archive if state.status == Gearchiveerd => Err(Refusal::AlreadyArchived),
        Action::Archive => Ok(Plan {
            reindex: published,
            ..Plan::new(Gearchiveerd, "gearchiveerd")
        }),
        Action::Confirm if state.status == Gearchiveerd => Err(Refusal::ArchivedCannotBeConfirmed),
        Action::Confirm => Ok(Plan {
            pending: PendingStep::Keep,
            note: NoteStep::Keep,
            verified_now: true,
            reindex: published,
            ..Plan::new(state.status, "gecontroleerd")
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    const PARTNER: Actor = Actor {
        editor: false,
        trusted: false,
    };
    const TRUSTED: Actor = Actor {
        editor: false,
        trusted: true,
    };
    const EDITOR: Actor = Actor {
        editor: true,
        trusted: false,
    };

    fn at(status: Status) -> State {
        State {
            status,
            pending: None,
        }
    }

    fn with_pending(pending: Status) -> State {
        State {
            status: Gepubliceerd,
            pending: Some(pending),
        }
    }

    /// Every edge of the state diagram, and every refusal: (description, state, action,
    /// actor, expected status after, or the refusal).
    #[test]
    fn the_state_diagram_as_a_table() {
        let back = Action::Return("adres klopt niet".into());
        type Case = (&'static str, State, Action, Actor, Result<Status, Refusal>);
        let cases: Vec<Case> = vec![
            (
                "partner submits a concept",
                at(Concept),
                Action::Submit,
                PARTNER,
                Ok(TerBeoordeling),
            ),
            (
                "trusted partner publishes a concept",
                at(Concept),
                Action::Submit,
                TRUSTED,
                Ok(Gepubliceerd),
            ),
            (
                "editor publishes a concept",
                at(Concept),
                Action::Submit,
                EDITOR,
                Ok(Gepubliceerd),
            ),
            (
                "partner resubmits a returned item",
                at(Teruggestuurd),
                Action::Submit,
                PARTNER,
                Ok(TerBeoordeling),
            ),
            (
                "partner submits an archived item again",
                at(Gearchiveerd),
                Action::Submit,
                PARTNER,
                Ok(TerBeoordeling),
            ),
            (
                "submitting twice",
                at(TerBeoordeling),
                Action::Submit,
                PARTNER,
                Err(Refusal::AlreadySubmitted),
            ),
            (
                "nothing to submit when published",
                at(Gepubliceerd),
                Action::Submit,
                PARTNER,
                Err(Refusal::NothingToSubmit),
            ),
            (
                "a waiting change is already submitted",
                with_pending(TerBeoordeling),
                Action::Submit,
                PARTNER,
                Err(Refusal::AlreadySubmitted),
            ),
            (
                "a returned change goes back to review",
                with_pending(Teruggestuurd),
                Action::Submit,
                PARTNER,
                Ok(Gepubliceerd),
            ),
            (
                "editor approves a submission",
                at(TerBeoordeling),
                Action::Approve,
                EDITOR,
                Ok(Gepubliceerd),
            ),
            (
                "editor returns a submission",
                at(TerBeoordeling),
                back.clone(),
                EDITOR,
                Ok(Teruggestuurd),
            ),
            (
                "editor approves a waiting change",
                with_pending(TerBeoordeling),
                Action::Approve,
                EDITOR,
                Ok(Gepubliceerd),
            ),
            (
                "editor returns a waiting change",
                with_pending(TerBeoordeling),
                back.clone(),
                EDITOR,
                Ok(Gepubliceerd),
            ),
            (
                "partners do not review",
                at(TerBeoordeling),
                Action::Approve,
                TRUSTED,
                Err(Refusal::NotAReviewer),
            ),
            (
                "nothing waits on a concept",
                at(Concept),
                Action::Approve,
                EDITOR,
                Err(Refusal::NothingToReview),
            ),
            (
                "a returned change does not wait",
                with_pending(Teruggestuurd),
                back.clone(),
                EDITOR,
                Err(Refusal::NothingToReview),
            ),
            (
                "a published item has nothing to review",
                at(Gepubliceerd),
                Action::Approve,
                EDITOR,
                Err(Refusal::NothingToReview),
            ),
            (
                "archive a published item",
                at(Gepubliceerd),
                Action::Archive,
                PARTNER,
                Ok(Gearchiveerd),
            ),
            (
                "archive a concept",
                at(Concept),
                Action::Archive,
                PARTNER,
                Ok(Gearchiveerd),
            ),
            (
                "archive twice",
                at(Gearchiveerd),
                Action::Archive,
                EDITOR,
                Err(Refusal::AlreadyArchived),
            ),
            (
                "confirm a published item",
                at(Gepubliceerd),
                Action::Confirm,
                PARTNER,
                Ok(Gepubliceerd),
            ),
            (
                "confirm a returned item",
                at(Teruggestuurd),
                Action::Confirm,
                PARTNER,
                Ok(Teruggestuurd),
            ),
            (
                "confirm an archived item",
                at(Gearchiveerd),
                Action::Confirm,
                PARTNER,
                Err(Refusal::ArchivedCannotBeConfirmed),
            ),
            (
                "partner edits a published item",
                at(Gepubliceerd),
                Action::Edit,
                PARTNER,
                Ok(Gepubliceerd),
            ),
            (
                "partner edits a concept",
                at(Concept),
                Action::Edit,
                PARTNER,
                Ok(Concept),
            ),
        ];
        for (what, state, action, actor, expected) in cases {
            let got = plan(state, &action, actor).map(|p| p.status);
            assert_eq!(got, expected, "{what}");
        }
    }

    #[test]
    fn a_partners_edit_of_a_published_item_waits_and_search_keeps_the_old_version() {
        let p = plan(at(Gepubliceerd), &Action::Edit, PARTNER).unwrap();
        assert_eq!(p.content, ContentStep::Keep);
        assert_eq!(p.pending, PendingStep::ProposeSent);
        assert!(!p.reindex);
        let direct = plan(at(Gepubliceerd), &Action::Edit, TRUSTED).unwrap();
        assert_eq!(direct.content, ContentStep::WriteSent);
        assert!(direct.reindex);
    }

    #[test]
    fn a_direct_edit_replaces_a_waiting_proposal_and_says_so() {
        let p = plan(with_pending(TerBeoordeling), &Action::Edit, EDITOR).unwrap();
        assert_eq!(p.pending, PendingStep::Clear);
        assert_eq!(p.audit.map(|a| a.action), Some("wijziging-vervangen"));
        assert!(p.revision_note.is_some());
        let plain = plan(at(Teruggestuurd), &Action::Edit, PARTNER).unwrap();
        assert_eq!(
            plain.note,
            NoteStep::Keep,
            "the editor's reason stays visible"
        );
    }

    #[test]
    fn only_steps_that_change_what_search_shows_reindex() {
        let reindexes = |state, action: Action, actor| plan(state, &action, actor).unwrap().reindex;
        assert!(reindexes(at(TerBeoordeling), Action::Approve, EDITOR));
        assert!(!reindexes(
            at(TerBeoordeling),
            Action::Return("x".into()),
            EDITOR
        ));
        assert!(!reindexes(at(Concept), Action::Submit, PARTNER));
        assert!(reindexes(at(Concept), Action::Submit, TRUSTED));
        assert!(!reindexes(at(Concept), Action::Archive, PARTNER));
        assert!(reindexes(at(Gepubliceerd), Action::Archive, PARTNER));
        assert!(reindexes(
            with_pending(TerBeoordeling),
            Action::Approve,
            EDITOR
        ));
    }

    #[test]
    fn confirming_keeps_a_proposal_and_its_reason() {
        let p = plan(with_pending(Teruggestuurd), &Action::Confirm, PARTNER).unwrap();
        assert_eq!((p.pending, p.note), (PendingStep::Keep, NoteStep::Keep));
        assert!(p.verified_now);
    }
}
