//! Residents' reports of mistakes ("meldingen").

use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::{Store, StoreError, StoreResult};
use crate::domain::report::{NewReport, Report, ReportReason, ReportStatus};
use crate::domain::{Timestamp, now_iso};

/// Which reports a list shows.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// Only reports on this organisation's items (partners always).
    pub organisation_id: Option<i64>,
    pub status: Option<ReportStatus>,
    /// Only reports assigned to this account.
    pub assigned_to: Option<i64>,
}

const SELECT_REPORT: &str =
    "SELECT r.id, r.listing_id, l.title AS listing_title, l.organisation_id,
        r.reason, r.message, r.email, r.status, r.created_at, r.handled_at,
        r.assigned_to, u.name AS assigned_name
    FROM reports r JOIN listings l ON l.id = r.listing_id
    LEFT JOIN users u ON u.id = r.assigned_to";

fn undecodable(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("onverwachte waarde {value:?} in kolom {column}").into())
}

fn time(column: &str, text: &str) -> Result<Timestamp, sqlx::Error> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| undecodable(column, text))
}

fn report_from_row(r: &AnyRow) -> Result<Report, sqlx::Error> {
    let reason: String = r.try_get("reason")?;
    let status: String = r.try_get("status")?;
    let created: String = r.try_get("created_at")?;
    let handled: Option<String> = r.try_get("handled_at")?;
    Ok(Report {
        id: r.try_get("id")?,
        listing_id: r.try_get("listing_id")?,
        listing_title: r.try_get("listing_title")?,
        organisation_id: r.try_get("organisation_id")?,
        reason: ReportReason::parse(&reason).ok_or_else(|| undecodable("reason", &reason))?,
        message: r.try_get("message")?,
        email: r.try_get("email")?,
        status: ReportStatus::parse(&status).ok_or_else(|| undecodable("status", &status))?,
        created_at: time("created_at", &created)?,
        handled_at: handled.map(|h| time("handled_at", &h)).transpose()?,
        assigned_to: r.try_get("assigned_to")?,
        assigned_name: r.try_get("assigned_name")?,
    })
}

impl Store {
    /// Stores a report and returns its id.
    pub async fn insert_report(&self, report: &NewReport) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO reports (listing_id, reason, message, email, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(report.listing_id)
        .bind(report.reason.as_str())
        .bind(report.message.clone())
        .bind(report.email.clone())
        .bind(now_iso())
        .fetch_one(&mut *tx)
        .await?;
        // The partners hear of it by mail, written with the report (never the resident's
        // address).
        let (title, organisation_id): (String, i64) =
            sqlx::query_as("SELECT title, organisation_id FROM listings WHERE id = $1")
                .bind(report.listing_id)
                .fetch_one(&mut *tx)
                .await?;
        let notice = crate::mail::Notice::NewReport {
            listing_id: report.listing_id,
            title,
            reason: report.reason.label().to_string(),
            message: report.message.clone(),
        };
        Store::notify_partners(&mut tx, organisation_id, &notice).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One page of reports, open ones first, then newest first; and the total.
    pub async fn list_reports(
        &self,
        filter: &ReportFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<Report>, i64)> {
        let mut conditions = vec!["1 = 1".to_string()];
        if let Some(org) = filter.organisation_id {
            conditions.push(format!("l.organisation_id = {org}"));
        }
        if let Some(status) = filter.status {
            // A fixed key from the enum, not user text.
            conditions.push(format!("r.status = '{}'", status.as_str()));
        }
        if let Some(user) = filter.assigned_to {
            conditions.push(format!("r.assigned_to = {user}"));
        }
        let wherever = conditions.join(" AND ");
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_REPORT} WHERE {wherever}
             ORDER BY CASE WHEN r.status = 'open' THEN 0 ELSE 1 END, r.id DESC
             LIMIT $1 OFFSET $2"
        )))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let (total,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM reports r JOIN listings l ON l.id = r.listing_id WHERE {wherever}"
        )))
        .fetch_one(&self.pool)
        .await?;
        let reports = rows.iter().map(report_from_row).collect::<Result<_, _>>()?;
        Ok((reports, total))
    }

    /// One report.
    pub async fn find_report(&self, id: i64) -> StoreResult<Report> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT_REPORT} WHERE r.id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(report_from_row(&row)?)
    }

    /// Marks a report handled and erases the resident's e-mail address in the same write, with
    /// an audit entry by `actor`.
    pub async fn handle_report(&self, id: i64, actor: (i64, &str)) -> StoreResult<Report> {
        self.handle_report_with_reply(id, actor, None).await
    }

    /// Marks a report handled and forgets the resident's address; with `reply`, first writes
    /// a mail with it to that address (when one was left), in the same transaction.
    pub async fn handle_report_with_reply(
        &self,
        id: i64,
        actor: (i64, &str),
        reply: Option<&str>,
    ) -> StoreResult<Report> {
        let mut tx = self.pool.begin().await?;
        // A write first: on SQLite the transaction then holds the write lock before it reads.
        sqlx::query("UPDATE reports SET status = status WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let found: Option<(Option<String>, String, String)> = sqlx::query_as(
            "SELECT r.email, r.status, l.title FROM reports r JOIN listings l ON l.id = r.listing_id
             WHERE r.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let (email, status, title) = found.ok_or(StoreError::NotFound)?;
        if let (Some(email), Some(reply), "open") = (email, reply, status.as_str()) {
            let notice = crate::mail::Notice::ReportReply {
                title,
                reply: reply.to_string(),
            };
            Self::enqueue_mail(&mut tx, &email, &notice).await?;
        }
        let updated = sqlx::query(
            "UPDATE reports SET status = 'afgehandeld', email = NULL, handled_at = $1,
                 handled_by = $2
             WHERE id = $3 AND status = 'open'",
        )
        .bind(now_iso())
        .bind(actor.0)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated > 0 {
            Self::audit_in_tx(
                &mut tx,
                (Some(actor.0), actor.1),
                "melding-afgehandeld",
                &format!("melding {id}"),
                if reply.is_some() { "met antwoord" } else { "" },
            )
            .await?;
        }
        tx.commit().await?;
        self.find_report(id).await
    }

    /// Assigns a report to an active editor (or to nobody), with an audit entry by `actor`.
    /// `Ok(None)`, with nothing changed, when the assignee is not an active editor.
    pub async fn assign_report(
        &self,
        id: i64,
        assignee: Option<i64>,
        actor: (i64, &str),
    ) -> StoreResult<Option<Report>> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query("UPDATE reports SET assigned_to = $1 WHERE id = $2")
            .bind(assignee)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        let detail = match assignee {
            Some(user) => {
                let found: Option<(String, String, i64)> =
                    sqlx::query_as("SELECT name, role, active FROM users WHERE id = $1")
                        .bind(user)
                        .fetch_optional(&mut *tx)
                        .await?;
                match found {
                    Some((name, role, 1))
                        if crate::domain::Role::parse(&role).is_some_and(|r| r.is_editor()) =>
                    {
                        format!("aan {name}")
                    }
                    // Rolled back: the caller says which field is wrong.
                    _ => return Ok(None),
                }
            }
            None => "aan niemand".to_string(),
        };
        Self::audit_in_tx(
            &mut tx,
            (Some(actor.0), actor.1),
            "melding-toegewezen",
            &format!("melding {id}"),
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(self.find_report(id).await?))
    }
}
