//! Render plus plan of generated stacks of 10, 100 and 1,000 VMs.
//!
//! `changed`: the files on disk are those of the same stack with one worker fewer, so the plan
//! parses and compares the instance and output files (the expensive path).
//! `unchanged`: the files on disk are identical (the common CI path).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use petadota::plan::Plan;
use petadota::stack::Stack;
use std::hint::black_box;

/// A valid stack with `vms` instances in all: a tenth of them brokers (at least 3), one MySQL host, one
/// Airflow VM, the rest workers.
fn stack_text(vms: u32) -> String {
    let brokers = (vms / 10).max(3);
    let workers = vms - brokers - 2;
    let base = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/stacks/prod.yaml"))
        .expect("prod stack");
    base.replace("brokers: 3", &format!("brokers: {brokers}"))
        .replace(
            "workers: { count: 2,",
            &format!("workers: {{ count: {workers},"),
        )
}

fn render_and_plan(text: &str, on_disk: &std::collections::BTreeMap<String, String>) -> Plan {
    let stack = Stack::parse(text, "bench.yaml").expect("valid stack");
    let rendered = petadota::render::render(&stack).expect("renders");
    Plan::compute(rendered.files(), on_disk)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("render_plan");
    group.sample_size(20);
    for vms in [10u32, 100, 1000] {
        let text = stack_text(vms);
        let stack = Stack::parse(&text, "bench.yaml").expect("valid stack");
        let same = petadota::render::render(&stack)
            .expect("renders")
            .files()
            .clone();
        let mut smaller_stack = stack.clone();
        smaller_stack.workers.count -= 1;
        let smaller = petadota::render::render(&smaller_stack)
            .expect("renders")
            .files()
            .clone();
        assert_eq!(
            render_and_plan(&text, &smaller).summary.add,
            1,
            "one worker is added"
        );
        group.throughput(Throughput::Elements(u64::from(vms)));
        group.bench_with_input(BenchmarkId::new("changed", vms), &vms, |b, _| {
            b.iter(|| black_box(render_and_plan(&text, &smaller)));
        });
        group.bench_with_input(BenchmarkId::new("unchanged", vms), &vms, |b, _| {
            b.iter(|| black_box(render_and_plan(&text, &same)));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
