//! `petadota pipeline simulate-interactions`: the traffic model paced onto Kafka.

use super::config::SimulateArgs;
use super::traffic::{TrafficModel, TrafficParams};
use rdkafka::error::KafkaError;
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer};
use std::collections::VecDeque;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Why the simulator stopped.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    #[error("cannot create the Kafka producer for {brokers}")]
    Producer { brokers: String, source: KafkaError },
    #[error("delivery to {topic} failed; is the broker up and the topic created?")]
    Delivery { topic: String, source: KafkaError },
    #[error("deliveries were cancelled: the producer shut down")]
    Cancelled,
}

/// Counts of one simulator run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SimulateSummary {
    pub produced: u64,
}

/// Deliveries allowed in flight before the simulator waits for the oldest.
const MAX_IN_FLIGHT: usize = 100_000;
/// Pacing granularity: events for each tick are produced in one go.
const TICK: Duration = Duration::from_millis(10);

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

async fn settle(topic: &str, delivery: DeliveryFuture) -> Result<(), SimulateError> {
    match delivery.await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err((source, _))) => Err(SimulateError::Delivery {
            topic: topic.to_owned(),
            source,
        }),
        Err(_) => Err(SimulateError::Cancelled),
    }
}

/// Produces `rate` events per second for `duration`, keyed by pet, idempotently
/// (`enable.idempotence`: retries never duplicate or reorder within a partition).
pub async fn simulate(args: &SimulateArgs) -> Result<SimulateSummary, SimulateError> {
    let producer: FutureProducer = super::trends::producer_config(&args.brokers)
        .set("linger.ms", "20")
        .set("batch.num.messages", "10000")
        .set("compression.type", "lz4")
        .create()
        .map_err(|source| SimulateError::Producer {
            brokers: args.brokers.clone(),
            source,
        })?;
    let params = TrafficParams {
        pets: args.pets,
        ..TrafficParams::default()
    };
    let start = now_ms();
    let mut model = TrafficModel::new(args.seed, params, start);
    let mut in_flight: VecDeque<DeliveryFuture> = VecDeque::new();
    let mut produced: u64 = 0;
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let rate = u64::from(args.rate);
    loop {
        ticker.tick().await;
        let elapsed = now_ms() - start;
        if elapsed >= args.duration {
            break;
        }
        let due = rate * u64::try_from(elapsed).unwrap_or(0) / 1000;
        while produced < due {
            let event = model.next_event(now_ms());
            let payload = event.to_json();
            let record = FutureRecord::to(&args.topic)
                .key(event.pet_id.as_str())
                .payload(&payload);
            match producer.send_result(record) {
                Ok(delivery) => {
                    in_flight.push_back(delivery);
                    produced += 1;
                }
                Err((KafkaError::MessageProduction(_), _)) => {
                    // Local queue full: wait for the oldest delivery, then retry.
                    match in_flight.pop_front() {
                        Some(oldest) => settle(&args.topic, oldest).await?,
                        None => tokio::time::sleep(TICK).await,
                    }
                }
                Err((source, _)) => {
                    return Err(SimulateError::Delivery {
                        topic: args.topic.clone(),
                        source,
                    });
                }
            }
            while in_flight.len() > MAX_IN_FLIGHT {
                if let Some(oldest) = in_flight.pop_front() {
                    settle(&args.topic, oldest).await?;
                }
            }
        }
    }
    for delivery in in_flight {
        settle(&args.topic, delivery).await?;
    }
    let _ = producer.flush(Duration::from_secs(30));
    Ok(SimulateSummary { produced })
}
