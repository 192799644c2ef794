//! The two backends' migrations build the same database: tables, columns with their
//! nullability, primary keys, unique column sets and foreign keys. Runs where PostgreSQL is
//! configured (`WEGWIJZER_TEST_POSTGRES`, as in CI's PostgreSQL run); the SQLite side is a
//! fresh file. A database that is down answers 503 problem+json and leaves a log line.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use sqlx::Row as _;
use wegwijzer::store::Store;

use crate::helpers::{TestApp, fresh_postgres_database};

/// Table → (columns with "NOT NULL" flags, primary key, unique column sets, foreign keys).
type Shape = BTreeMap<String, TableShape>;

#[derive(Debug, PartialEq, Eq, Default)]
struct TableShape {
    columns: BTreeMap<String, bool>,
    primary_key: BTreeSet<String>,
    unique: BTreeSet<BTreeSet<String>>,
    foreign_keys: BTreeSet<(String, String)>,
}

async fn strings(store: &Store, sql: &str, bind: Option<&str>) -> Vec<Vec<String>> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()));
    if let Some(b) = bind {
        q = q.bind(b.to_string());
    }
    q.fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (0..r.len())
                .map(|i| r.try_get::<String, _>(i).unwrap())
                .collect()
        })
        .collect()
}

async fn sqlite_shape(store: &Store) -> Shape {
    let mut shape = Shape::new();
    let tables = strings(
        store,
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
        None,
    )
    .await;
    for t in tables {
        let table = t[0].clone();
        let mut s = TableShape::default();
        for c in strings(
            store,
            "SELECT name, CAST(\"notnull\" AS TEXT), CAST(pk AS TEXT) FROM pragma_table_info($1)",
            Some(&table),
        )
        .await
        {
            // SQLite lets a PRIMARY KEY column be NULL unless it says NOT NULL; PostgreSQL
            // never does. Both refuse NULL keys in practice (INTEGER PRIMARY KEY is the rowid).
            let key = c[2] != "0";
            s.columns.insert(c[0].clone(), c[1] == "1" || key);
            if key {
                s.primary_key.insert(c[0].clone());
            }
        }
        for index in strings(
            store,
            "SELECT name, CAST(\"unique\" AS TEXT), origin FROM pragma_index_list($1)",
            Some(&table),
        )
        .await
        {
            if index[1] == "1" && index[2] != "pk" {
                let cols: BTreeSet<String> = strings(
                    store,
                    "SELECT name FROM pragma_index_info($1)",
                    Some(&index[0]),
                )
                .await
                .into_iter()
                .map(|r| r[0].clone())
                .collect();
                s.unique.insert(cols);
            }
        }
        for fk in strings(
            store,
            "SELECT \"from\", \"table\" FROM pragma_foreign_key_list($1)",
            Some(&table),
        )
        .await
        {
            s.foreign_keys.insert((fk[0].clone(), fk[1].clone()));
        }
        shape.insert(table, s);
    }
    shape
}

async fn postgres_shape(store: &Store) -> Shape {
    let mut shape = Shape::new();
    let tables = strings(
        store,
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
         AND table_name NOT LIKE '\\_sqlx%'",
        None,
    )
    .await;
    for t in tables {
        let table = t[0].clone();
        let mut s = TableShape::default();
        for c in strings(
            store,
            "SELECT column_name::text, is_nullable::text FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = $1",
            Some(&table),
        )
        .await
        {
            s.columns.insert(c[0].clone(), c[1] == "NO");
        }
        for c in strings(
            store,
            "SELECT a.attname::text FROM pg_index i
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
             WHERE i.indrelid = $1::regclass AND i.indisprimary",
            Some(&table),
        )
        .await
        {
            s.primary_key.insert(c[0].clone());
        }
        let unique = strings(
            store,
            "SELECT c.relname::text, a.attname::text FROM pg_index i
             JOIN pg_class c ON c.oid = i.indexrelid
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
             WHERE i.indrelid = $1::regclass AND i.indisunique AND NOT i.indisprimary",
            Some(&table),
        )
        .await;
        let mut by_index: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for u in unique {
            by_index
                .entry(u[0].clone())
                .or_default()
                .insert(u[1].clone());
        }
        s.unique = by_index.into_values().collect();
        for fk in strings(
            store,
            "SELECT a.attname::text, cf.relname::text FROM pg_constraint k
             JOIN pg_class cf ON cf.oid = k.confrelid
             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY(k.conkey)
             WHERE k.contype = 'f' AND k.conrelid = $1::regclass",
            Some(&table),
        )
        .await
        {
            s.foreign_keys.insert((fk[0].clone(), fk[1].clone()));
        }
        shape.insert(table, s);
    }
    shape
}

#[tokio::test]
async fn both_backends_build_the_same_tables_columns_keys_and_constraints() {
    let Ok(admin) = std::env::var("WEGWIJZER_TEST_POSTGRES") else {
        println!("only with WEGWIJZER_TEST_POSTGRES (CI's PostgreSQL run)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::connect(&format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("pariteit.db").display()
    ))
    .await
    .unwrap();
    let postgres = Store::connect(&fresh_postgres_database(&admin).await)
        .await
        .unwrap();
    let (lite, pg) = (sqlite_shape(&sqlite).await, postgres_shape(&postgres).await);
    assert!(lite.len() >= 15, "{} tables", lite.len());
    assert_eq!(
        lite.keys().collect::<Vec<_>>(),
        pg.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (table, shape) in &lite {
        assert_eq!(
            shape, &pg[table],
            "table {table}: SQLite left, PostgreSQL right"
        );
    }
    let count = |f: fn(&TableShape) -> usize| lite.values().map(f).sum::<usize>();
    let (columns, unique, foreign) = (
        count(|t| t.columns.len()),
        count(|t| t.unique.len()),
        count(|t| t.foreign_keys.len()),
    );
    println!(
        "{} tables, {columns} columns, {unique} unique sets, {foreign} foreign keys alike",
        lite.len()
    );
    assert!(
        unique >= 3 && foreign >= 5,
        "the comparison sees constraints"
    );
}

/// Captures what the app logs on this thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_database_that_is_down_gives_503_problem_json_and_a_log_line() {
    let Ok(admin) = std::env::var("WEGWIJZER_TEST_POSTGRES") else {
        println!("only with WEGWIJZER_TEST_POSTGRES (CI's PostgreSQL run)");
        return;
    };
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .finish();
    // One thread: the server's tasks log through this subscriber too.
    let _guard = tracing::subscriber::set_default(subscriber);
    let app = TestApp::with_demo().await;
    let name = app
        .config
        .database_url()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let control = sqlx::AnyPool::connect(&admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false"
    )))
    .execute(&control)
    .await
    .unwrap();
    sqlx::query(
        "SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(name.clone())
    .fetch_all(&control)
    .await
    .unwrap();
    let res = app.get("/api/v1/organisaties").await;
    let status = res.status();
    if status != 503 {
        let logged = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        panic!("{status}: {logged}");
    }
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    assert!(res.headers().contains_key("retry-after"));
    let logged = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("503") && logged.contains("database"),
        "the cause is logged: {logged}"
    );
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true"
    )))
    .execute(&control)
    .await
    .unwrap();
}
