//! The command as the playbook and Airflow call it: config file < environment < flags, a
//! summary, and a non-zero exit when nothing could be stored.

use crate::ingest_support::server::{Entry, FakeApis, ListingFault};
use crate::ingest_support::{TestDb, fixtures};
use clap::Parser;
use petadota_pipelines::cli::{PipelineCommand, run};
use petadota_pipelines::ingest::cli::IngestImagesArgs;
use std::time::Duration;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: PipelineCommand,
}

fn parse(args: &[&str]) -> PipelineCommand {
    let mut all = vec!["pipeline"];
    all.extend_from_slice(args);
    Cli::try_parse_from(all).expect("arguments parse").command
}

#[test]
fn file_env_and_flags_layer_with_flags_winning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("ingest-images.toml");
    std::fs::write(
        &file,
        "dogs = 5\ncats = 6\nconcurrency = 7\ndatabase = \"mysql://file@h/db\"\n",
    )
    .expect("write config");
    let key_file = dir.path().join("cat-key");
    std::fs::write(&key_file, "from-file\n").expect("write key");
    let PipelineCommand::IngestImages(args) = parse(&[
        "ingest-images",
        "--cats",
        "60",
        "--storage",
        "file:///srv/img",
    ]);
    let env = [
        ("PETADOTA_INGEST_CONFIG", file.display().to_string()),
        ("PETADOTA_INGEST_CATS", "16".to_owned()),
        ("PETADOTA_INGEST_CONCURRENCY", "17".to_owned()),
        (
            "PETADOTA_INGEST_CAT_API_KEY_FILE",
            key_file.display().to_string(),
        ),
    ]
    .map(|(k, v)| (k.to_owned(), v));

    let config = args.resolve(env).expect("valid layers");

    assert_eq!((config.dogs, config.cats, config.concurrency), (5, 60, 17));
    assert_eq!(config.database, "mysql://file@h/db");
    assert_eq!(config.cat_api_key.as_deref(), Some("from-file"));
    assert_eq!(
        config.storage,
        petadota_pipelines::storage::StorageTarget::Fs {
            dir: "/srv/img".into()
        }
    );
}

#[test]
fn bad_settings_fail_before_any_work_with_a_pointed_message() {
    let args = IngestImagesArgs {
        dogs: Some(1),
        database: Some("mysql://x@h/db".into()),
        storage: Some("s3://bucket".into()),
        ..IngestImagesArgs::default()
    };
    let err = args.resolve(Vec::new()).expect_err("s3 is not supported");
    assert!(
        err.to_string()
            .contains("gs://bucket[/prefix] nor file://dir"),
        "{err}"
    );
    let missing = IngestImagesArgs {
        config: Some("/nonexistent/ingest.toml".into()),
        ..IngestImagesArgs::default()
    };
    let err = missing.resolve(Vec::new()).expect_err("missing file");
    assert!(
        format!("{err:#}").contains("/nonexistent/ingest.toml"),
        "{err:#}"
    );
}

/// `cli::run` builds its own runtime, so these run on plain threads.
#[test]
fn the_command_fails_when_nothing_could_be_stored_and_succeeds_otherwise() {
    crate::ingest_support::init_logs();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let apis = runtime.block_on(FakeApis::start(
        Duration::ZERO,
        vec![Entry::dog("pug", "n1.jpg", fixtures::JPEG_5X3)],
        vec![],
    ));
    let db = runtime.block_on(TestDb::create("cli"));
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = format!("file://{}", dir.path().display());
    let base = apis.base();
    let command = |dogs: &str| {
        parse(&[
            "ingest-images",
            "--dogs",
            dogs,
            "--database",
            &db.url,
            "--storage",
            &storage,
            "--dog-api-base",
            &base,
            "--log-format",
            "json",
            "--requests-per-second",
            "0",
        ])
    };

    run(command("1")).expect("one image stored: success");

    apis.break_listings(false, ListingFault::Status(404));
    let err = run(command("1")).expect_err("every listing failed: the command must fail");
    assert!(err.to_string().contains("stored nothing"), "{err}");

    let unreachable = parse(&[
        "ingest-images",
        "--dogs",
        "1",
        "--database",
        "mysql://root@127.0.0.1:1/none",
        "--storage",
        &storage,
        "--database-timeout-secs",
        "1",
    ]);
    let err = run(unreachable).expect_err("no database");
    assert!(
        err.to_string()
            .contains("cannot connect to MySQL at 127.0.0.1:1"),
        "{err}"
    );
}
