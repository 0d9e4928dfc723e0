//! The MySQL sink against the real MariaDB: replays rewrite identical rows, partitions
//! add up, and a partition closing a window late re-scores the later windows whose
//! baseline it feeds.

mod stream_support;

use petadota_pipelines::stream::ScoreParams;
use petadota_pipelines::stream::aggregate::{ClosedWindow, Dimension, Tally};
use petadota_pipelines::stream::sink::{PartitionFlush, SourcePartition, TrendSink};
use std::time::Duration;
use stream_support::*;

const SIZE: i64 = 60_000;

fn window(start: i64, pets: &[(&str, u64)]) -> ClosedWindow {
    let mut rows: Vec<(Dimension, String, Tally)> = pets
        .iter()
        .map(|(pet, weighted)| {
            (
                Dimension::Pet,
                (*pet).to_owned(),
                Tally {
                    weighted: *weighted,
                    events: *weighted,
                },
            )
        })
        .collect();
    let total: u64 = pets.iter().map(|(_, weighted)| weighted).sum();
    rows.push((
        Dimension::Species,
        "dog".into(),
        Tally {
            weighted: total,
            events: total,
        },
    ));
    ClosedWindow {
        start,
        end: start + SIZE,
        is_final: true,
        rows,
    }
}

fn flush(partition: i32, windows: Vec<ClosedWindow>) -> PartitionFlush {
    let watermark = windows.iter().map(|w| w.end).max().unwrap_or(0);
    PartitionFlush {
        source: SourcePartition {
            topic: "interactions".into(),
            partition,
        },
        windows,
        watermark,
        next_offset: 10,
    }
}

#[tokio::test]
async fn partitions_add_up_replays_are_idempotent_and_late_partitions_cascade() {
    let db = TestDb::create("stream_sink").await;
    let db_url = db.url.clone();
    run_scenario(db, Duration::from_secs(60), async move {
        let params = ScoreParams {
            baseline_windows: 2,
            top_k: 3,
            ..ScoreParams::default()
        };
        let sink = TrendSink::connect(&db_url, "g", SIZE, params)
            .await
            .expect("connect and migrate");
        // Partition 0 closes windows 0 and 60s; partition 1 is behind and has only window 60s.
        sink.write(&[flush(
            0,
            vec![window(0, &[("a", 5)]), window(SIZE, &[("a", 30), ("b", 1)])],
        )])
        .await
        .expect("write p0");
        sink.write(&[flush(1, vec![window(SIZE, &[("c", 7)])])])
            .await
            .expect("write p1");
        let after_both = stored_trends(sink.pool()).await;
        let species_60s = after_both
            .iter()
            .find(|row| row.window_start_ms == SIZE && row.dimension == "species")
            .expect("species row of window 60s");
        assert_eq!(species_60s.weighted, 38, "partitions add up: 31 + 7");

        // Replaying partition 0 rewrites the same values: nothing counted twice.
        sink.write(&[flush(
            0,
            vec![window(0, &[("a", 5)]), window(SIZE, &[("a", 30), ("b", 1)])],
        )])
        .await
        .expect("replay p0");
        assert_eq!(stored_trends(sink.pool()).await, after_both);

        // Partition 1 now closes window 0 late: window 60s's baseline must include it.
        sink.write(&[flush(1, vec![window(0, &[("c", 100)])])])
            .await
            .expect("late p1");
        let rows = stored_trends(sink.pool()).await;
        let pet_c_60s = rows
            .iter()
            .find(|row| row.window_start_ms == SIZE && row.dimension == "pet" && row.key == "c")
            .expect("pet c in window 60s");
        // Baseline over 2 windows with decay 0.5: (1*100 + 0.5*0) / 1.5.
        assert!(
            (pet_c_60s.baseline - 100.0 / 1.5).abs() < 1e-9,
            "{pet_c_60s:?}"
        );
        let species_0 = rows
            .iter()
            .find(|row| row.window_start_ms == 0 && row.dimension == "species")
            .expect("species row of window 0");
        assert_eq!(species_0.weighted, 105);
        // The watermark checkpoint only moves forward.
        let restored = sink
            .load_watermark(&SourcePartition {
                topic: "interactions".into(),
                partition: 1,
            })
            .await
            .expect("checkpoint");
        assert_eq!(restored, Some(2 * SIZE));
    })
    .await;
}
