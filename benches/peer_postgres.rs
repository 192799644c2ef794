//! The peer: PostgreSQL full-text search on the same corpus and the same queries. Dutch text
//! configuration, a weighted tsvector (title A, summary B, description C) with a GIN index, GIN
//! indexes on the theme and wijk arrays, ts_rank_cd ranking, ts_headline snippets and
//! disjunctive facet counts by GROUP BY: the standard way to build this on PostgreSQL.

use std::time::{Duration, Instant};

use sqlx::{Executor as _, PgPool, Row as _};

use crate::corpus;

pub struct Peer {
    pub pool: PgPool,
}

const AGE_GROUPS: [(i32, i32); 6] = [(0, 3), (4, 11), (12, 17), (18, 26), (27, 64), (65, 120)];

impl Peer {
    /// Creates `bench_peer_<n>` afresh and loads the corpus; returns the load time.
    pub async fn load(admin_url: &str, n: usize) -> (Peer, Duration) {
        let admin = PgPool::connect(admin_url).await.unwrap();
        let db = format!("bench_peer_{n}");
        admin
            .execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db}")))
            .await
            .unwrap();
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
            .await
            .unwrap();
        admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(admin_url);
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .connect(&format!("{base}/{db}"))
            .await
            .unwrap();
        let started = Instant::now();
        pool.execute(
            "CREATE TABLE items (
                id bigint PRIMARY KEY, kind text NOT NULL, title text NOT NULL,
                summary text NOT NULL, description text NOT NULL, themes text[] NOT NULL,
                wijken text[] NOT NULL, whole boolean NOT NULL, min_age int NOT NULL,
                max_age int NOT NULL, cost text NOT NULL, commitment text, talents text[] NOT NULL,
                created text NOT NULL,
                tsv tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('dutch', title), 'A') ||
                    setweight(to_tsvector('dutch', summary), 'B') ||
                    setweight(to_tsvector('dutch', description), 'C')) STORED)",
        )
        .await
        .unwrap();
        let orgs = (n / 200).max(10) as i64;
        let mut batch: Vec<corpus::SyntheticListing> = Vec::with_capacity(2000);
        let mut next_id = 1i64;
        for l in corpus::generate(n, orgs, 42) {
            batch.push(l);
            if batch.len() == 2000 {
                insert(&pool, &batch, next_id).await;
                next_id += batch.len() as i64;
                batch.clear();
            }
        }
        insert(&pool, &batch, next_id).await;
        for sql in [
            "CREATE INDEX items_tsv ON items USING gin (tsv)",
            "CREATE INDEX items_themes ON items USING gin (themes)",
            "CREATE INDEX items_wijken ON items USING gin (wijken)",
            "CREATE INDEX items_created ON items (created DESC, id)",
            "ANALYZE items",
        ] {
            pool.execute(sql).await.unwrap();
        }
        (Peer { pool }, started.elapsed())
    }

    /// One request of query class `class` ("a".."e"), as the statements an application would
    /// run for it.
    pub async fn run(&self, class: char, text: &str, theme: &str, wijk: &str) {
        let mut conn = self.pool.acquire().await.unwrap();
        let filtered = matches!(class, 'c' | 'd');
        let text_cond = "tsv @@ plainto_tsquery('dutch', $1)";
        let theme_cond = "themes && ARRAY[$2]::text[]";
        let wijk_cond = "(whole OR wijken && ARRAY[$3]::text[])";
        let mut conds: Vec<&str> = Vec::new();
        if class != 'e' {
            conds.push(text_cond);
        }
        if filtered {
            conds.push(theme_cond);
            conds.push(wijk_cond);
        }
        let where_all = if conds.is_empty() {
            "TRUE".to_string()
        } else {
            conds.join(" AND ")
        };
        let order = if class == 'e' {
            "ORDER BY created DESC, id".to_string()
        } else {
            "ORDER BY ts_rank_cd(tsv, plainto_tsquery('dutch', $1)) DESC, id".to_string()
        };
        let count = format!("SELECT count(*) FROM items WHERE {where_all}");
        let q = |sql: String| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(text)
                .bind(theme)
                .bind(wijk)
        };
        // Every statement binds $1..$3; PostgreSQL ignores none of them, so mention all three.
        let pad = " AND ($1::text IS NOT NULL OR $2::text IS NOT NULL OR $3::text IS NOT NULL)";
        let rows = q(format!(
            "SELECT id, title FROM items WHERE {where_all}{pad} {order} LIMIT 20"
        ))
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        q(format!("{count}{pad}"))
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        if class == 'd' {
            let ids: Vec<i64> = rows.iter().map(|r| r.get::<i64, _>(0)).collect();
            sqlx::query(
                "SELECT id, ts_headline('dutch', description, plainto_tsquery('dutch', $1),
                        'MaxFragments=1,MaxWords=30,MinWords=10')
                 FROM items WHERE id = ANY($2)",
            )
            .bind(text)
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        }
        if matches!(class, 'd' | 'e') {
            // Disjunctive facets: each facet with every filter except its own.
            let except = |skip: &str| -> String {
                let c: Vec<&str> = conds.iter().copied().filter(|c| *c != skip).collect();
                if c.is_empty() {
                    "TRUE".into()
                } else {
                    c.join(" AND ")
                }
            };
            let facets = [
                format!(
                    "SELECT kind, count(*) FROM items WHERE {}{pad} GROUP BY kind",
                    except("")
                ),
                format!(
                    "SELECT t, count(*) FROM items, unnest(themes) t WHERE {}{pad} GROUP BY t",
                    except(theme_cond)
                ),
                format!(
                    "SELECT w, count(*) FROM items, unnest(CASE WHEN whole THEN ARRAY['*'] ELSE wijken END) w WHERE {}{pad} GROUP BY w",
                    except(wijk_cond)
                ),
                format!(
                    "SELECT {} FROM items WHERE {}{pad}",
                    AGE_GROUPS
                        .iter()
                        .map(|(a, b)| format!(
                            "count(*) FILTER (WHERE min_age <= {b} AND max_age >= {a})"
                        ))
                        .collect::<Vec<_>>()
                        .join(", "),
                    except("")
                ),
            ];
            for sql in facets {
                q(sql).fetch_all(&mut *conn).await.unwrap();
            }
        }
    }
}

async fn insert(pool: &PgPool, batch: &[corpus::SyntheticListing], first_id: i64) {
    if batch.is_empty() {
        return;
    }
    let ids: Vec<i64> = (first_id..first_id + batch.len() as i64).collect();
    let col = |f: &dyn Fn(&corpus::SyntheticListing) -> String| {
        batch.iter().map(f).collect::<Vec<String>>()
    };
    sqlx::query(
        "INSERT INTO items (id, kind, title, summary, description, themes, wijken, whole, min_age,
             max_age, cost, commitment, talents, created)
         SELECT id, kind, title, summary, description, string_to_array(themes, ','),
             COALESCE(string_to_array(NULLIF(wijken, ''), ','), '{}'), whole, min_age, max_age, cost,
             NULLIF(commitment, ''), COALESCE(string_to_array(NULLIF(talents, ''), ','), '{}'), created
         FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
             $7::text[], $8::bool[], $9::int[], $10::int[], $11::text[], $12::text[], $13::text[],
             $14::text[])
           AS t(id, kind, title, summary, description, themes, wijken, whole, min_age, max_age,
             cost, commitment, talents, created)",
    )
    .bind(&ids)
    .bind(col(&|l| l.kind.to_string()))
    .bind(col(&|l| l.title.clone()))
    .bind(col(&|l| l.summary.clone()))
    .bind(col(&|l| l.description.clone()))
    .bind(col(&|l| l.themes.join(",")))
    .bind(col(&|l| l.wijken.join(",")))
    .bind(batch.iter().map(|l| l.whole).collect::<Vec<bool>>())
    .bind(batch.iter().map(|l| l.min_age as i32).collect::<Vec<i32>>())
    .bind(batch.iter().map(|l| l.max_age as i32).collect::<Vec<i32>>())
    .bind(col(&|l| l.cost.to_string()))
    .bind(col(&|l| l.commitment.unwrap_or("").to_string()))
    .bind(col(&|l| l.talents.join(",")))
    .bind(col(&|l| l.created_at.clone()))
    .execute(pool)
    .await
    .unwrap();
}
