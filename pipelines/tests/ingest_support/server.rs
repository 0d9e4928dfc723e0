//! A local HTTP server that answers like the Dog CEO API and TheCatAPI (same paths, same JSON
//! shapes) and serves real images from a catalogue, with faults on demand.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use futures_util::StreamExt;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Misbehaviour of one image URL. `times` counts the first requests affected (`u32::MAX`:
/// all of them); later requests are served normally.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    None,
    Status {
        code: u16,
        times: u32,
    },
    TooManyRequests {
        retry_after_secs: u64,
        times: u32,
    },
    Slow {
        delay: Duration,
        times: u32,
    },
    Truncated {
        times: u32,
    },
    /// An HTML error page with status 200 and `Content-Type: image/jpeg`.
    Html,
    /// Served as a chunked stream without `Content-Length`.
    NoLength,
    /// `302` to the real location (TheCatAPI's image URLs redirect).
    Redirect,
}

/// One image of a catalogue.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The URL's folder for dogs (`hound-afghan`); for cats the breed name or `None`.
    pub breed: Option<String>,
    pub name: String,
    pub body: Bytes,
    pub fault: Fault,
}

impl Entry {
    pub fn dog(folder: &str, name: &str, body: &[u8]) -> Self {
        Self {
            breed: Some(folder.to_owned()),
            name: name.to_owned(),
            body: Bytes::copy_from_slice(body),
            fault: Fault::None,
        }
    }

    pub fn cat(breed: Option<&str>, name: &str, body: &[u8]) -> Self {
        Self {
            breed: breed.map(str::to_owned),
            ..Self::dog("", name, body)
        }
    }

    pub fn with(mut self, fault: Fault) -> Self {
        self.fault = fault;
        self
    }
}

/// A misbehaving listing call, consumed one per call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ListingFault {
    InvalidJson,
    Html,
    Status(u16),
}

#[derive(Default)]
struct Species {
    entries: Vec<Entry>,
    cursor: usize,
    listing_faults: VecDeque<ListingFault>,
    /// A fault for every listing call, after the queue is empty.
    listing_always: Option<ListingFault>,
}

#[derive(Default)]
struct Inner {
    dogs: Species,
    cats: Species,
    hits: HashMap<String, Vec<Instant>>,
    api_keys: Vec<(String, Option<String>)>,
}

struct Shared {
    latency: Duration,
    inner: Mutex<Inner>,
}

/// The running server; it stops with the test's runtime.
#[derive(Clone)]
pub struct FakeApis {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl FakeApis {
    /// Starts serving on a free port of 127.0.0.1; every answer waits `latency` first.
    pub async fn start(latency: Duration, dogs: Vec<Entry>, cats: Vec<Entry>) -> Self {
        let shared = Arc::new(Shared {
            latency,
            inner: Mutex::new(Inner {
                dogs: Species {
                    entries: dogs,
                    ..Species::default()
                },
                cats: Species {
                    entries: cats,
                    ..Species::default()
                },
                ..Inner::default()
            }),
        });
        let app = Router::new()
            .route("/api/breeds/image/random/{n}", get(dog_random))
            .route("/api/breed/{breed}/images/random/{n}", get(dog_breed))
            .route(
                "/api/breed/{breed}/{sub}/images/random/{n}",
                get(dog_sub_breed),
            )
            .route("/v1/images/search", get(cat_search))
            .route("/breeds/{folder}/{name}", get(dog_image))
            .route("/cats/{name}", get(cat_image))
            .route("/cdn/cats/{name}", get(cat_image_direct))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a local port");
        let addr = listener.local_addr().expect("local address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, shared }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().expect("server state")
    }

    /// Queues faults for the next dog (or cat) listing calls.
    pub fn fail_listings(&self, cats: bool, faults: &[ListingFault]) {
        let mut inner = self.lock();
        let species = if cats {
            &mut inner.cats
        } else {
            &mut inner.dogs
        };
        species.listing_faults.extend(faults.iter().copied());
    }

    /// Makes every dog (or cat) listing call fail.
    pub fn break_listings(&self, cats: bool, fault: ListingFault) {
        let mut inner = self.lock();
        let species = if cats {
            &mut inner.cats
        } else {
            &mut inner.dogs
        };
        species.listing_always = Some(fault);
    }

    /// Starts the listings from the first entry again (a rerun sees the same URLs).
    pub fn rewind(&self) {
        let mut inner = self.lock();
        inner.dogs.cursor = 0;
        inner.cats.cursor = 0;
    }

    /// When each request for `path` arrived.
    pub fn hits(&self, path: &str) -> Vec<Instant> {
        self.lock().hits.get(path).cloned().unwrap_or_default()
    }

    /// Every request's arrival time, all paths.
    pub fn all_hits(&self) -> Vec<Instant> {
        let mut all: Vec<Instant> = self.lock().hits.values().flatten().copied().collect();
        all.sort();
        all
    }

    /// `(path, x-api-key)` of every request, in order.
    pub fn api_keys(&self) -> Vec<(String, Option<String>)> {
        self.lock().api_keys.clone()
    }
}

async fn arrive(shared: &Shared, path: &str, headers: &HeaderMap) -> u32 {
    let count = {
        let mut inner = shared.inner.lock().expect("server state");
        let key = headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        inner.api_keys.push((path.to_owned(), key));
        let hits = inner.hits.entry(path.to_owned()).or_default();
        hits.push(Instant::now());
        hits.len() as u32
    };
    tokio::time::sleep(shared.latency).await;
    count
}

fn listing_fault(species: &mut Species) -> Option<ListingFault> {
    species
        .listing_faults
        .pop_front()
        .or(species.listing_always)
}

fn fault_response(fault: ListingFault) -> Response {
    match fault {
        ListingFault::InvalidJson => {
            (StatusCode::OK, "{\"message\": [\"http://x/a.jpg\",").into_response()
        }
        ListingFault::Html => {
            (StatusCode::OK, "<html><body>Cloudflare</body></html>").into_response()
        }
        ListingFault::Status(code) => StatusCode::from_u16(code)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response(),
    }
}

/// The next `n` entries (wrapping), filtered to a breed folder when given.
fn take(species: &mut Species, n: usize, folder: Option<&str>) -> Vec<Entry> {
    let pool: Vec<Entry> = species
        .entries
        .iter()
        .filter(|e| folder.is_none_or(|f| e.breed.as_deref() == Some(f)))
        .cloned()
        .collect();
    if pool.is_empty() {
        return Vec::new();
    }
    (0..n)
        .map(|_| {
            let entry = pool[species.cursor % pool.len()].clone();
            species.cursor += 1;
            entry
        })
        .collect()
}

fn host(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned()
}

async fn dog_listing(
    shared: Arc<Shared>,
    path: String,
    headers: HeaderMap,
    n: usize,
    folder: Option<String>,
) -> Response {
    arrive(&shared, &path, &headers).await;
    let entries = {
        let mut inner = shared.inner.lock().expect("server state");
        if let Some(fault) = listing_fault(&mut inner.dogs) {
            return fault_response(fault);
        }
        take(&mut inner.dogs, n.min(50), folder.as_deref())
    };
    if entries.is_empty() {
        let body = serde_json::json!({"status": "error", "message": "Breed not found (main breed does not exist)", "code": 404});
        return (StatusCode::NOT_FOUND, body.to_string()).into_response();
    }
    let host = host(&headers);
    let urls: Vec<String> = entries
        .iter()
        .map(|e| {
            format!(
                "http://{host}/breeds/{}/{}",
                e.breed.as_deref().unwrap_or("unknown"),
                e.name
            )
        })
        .collect();
    json(serde_json::json!({"message": urls, "status": "success"}))
}

fn json(value: serde_json::Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

async fn dog_random(
    State(s): State<Arc<Shared>>,
    Path(n): Path<usize>,
    headers: HeaderMap,
) -> Response {
    dog_listing(s, format!("/api/breeds/image/random/{n}"), headers, n, None).await
}

async fn dog_breed(
    State(s): State<Arc<Shared>>,
    Path((breed, n)): Path<(String, usize)>,
    headers: HeaderMap,
) -> Response {
    dog_listing(
        s,
        format!("/api/breed/{breed}/images/random/{n}"),
        headers,
        n,
        Some(breed),
    )
    .await
}

async fn dog_sub_breed(
    State(s): State<Arc<Shared>>,
    Path((breed, sub, n)): Path<(String, String, usize)>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/api/breed/{breed}/{sub}/images/random/{n}");
    dog_listing(s, path, headers, n, Some(format!("{breed}-{sub}"))).await
}

async fn cat_search(
    State(s): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    arrive(&s, "/v1/images/search", &headers).await;
    let has_key = headers.contains_key("x-api-key");
    let limit: usize = query.get("limit").and_then(|l| l.parse().ok()).unwrap_or(1);
    let limit = limit.clamp(1, if has_key { 100 } else { 10 });
    let entries = {
        let mut inner = s.inner.lock().expect("server state");
        if let Some(fault) = listing_fault(&mut inner.cats) {
            return fault_response(fault);
        }
        take(&mut inner.cats, limit, None)
    };
    let host = host(&headers);
    let images: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let breeds = match &e.breed {
                Some(name) => serde_json::json!([{
                    "weight": {"imperial": "7 - 10", "metric": "3 - 5"},
                    "id": name.chars().take(4).collect::<String>().to_lowercase(),
                    "name": name,
                    "temperament": "Active, Energetic",
                    "origin": "Egypt",
                }]),
                None => serde_json::json!([]),
            };
            serde_json::json!({
                "id": e.name,
                "url": format!("http://{host}/cats/{}", e.name),
                "width": 640,
                "height": 480,
                "breeds": breeds,
            })
        })
        .collect();
    json(serde_json::Value::Array(images))
}

fn find(species: &Species, name: &str) -> Option<Entry> {
    species.entries.iter().find(|e| e.name == name).cloned()
}

async fn dog_image(
    State(s): State<Arc<Shared>>,
    Path((folder, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/breeds/{folder}/{name}");
    let count = arrive(&s, &path, &headers).await;
    let entry = find(&s.inner.lock().expect("server state").dogs, &name);
    serve(entry, count, false).await
}

async fn cat_image(
    State(s): State<Arc<Shared>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let count = arrive(&s, &format!("/cats/{name}"), &headers).await;
    let entry = find(&s.inner.lock().expect("server state").cats, &name);
    serve(entry, count, false).await
}

async fn cat_image_direct(
    State(s): State<Arc<Shared>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let count = arrive(&s, &format!("/cdn/cats/{name}"), &headers).await;
    let entry = find(&s.inner.lock().expect("server state").cats, &name);
    serve(entry, count, true).await
}

async fn serve(entry: Option<Entry>, count: u32, redirected: bool) -> Response {
    let Some(entry) = entry else {
        return (StatusCode::NOT_FOUND, "<html>404 Not Found</html>").into_response();
    };
    let content_type = if entry.name.ends_with(".png") {
        "image/png"
    } else {
        "image/jpeg"
    };
    match entry.fault {
        Fault::Status { code, times } if count <= times => {
            return StatusCode::from_u16(code)
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
                .into_response();
        }
        Fault::TooManyRequests {
            retry_after_secs,
            times,
        } if count <= times => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, retry_after_secs.to_string())],
                "slow down",
            )
                .into_response();
        }
        Fault::Slow { delay, times } if count <= times => tokio::time::sleep(delay).await,
        Fault::Html => {
            return (
                [(header::CONTENT_TYPE, "image/jpeg")],
                "<!DOCTYPE html><html><body><h1>Image temporarily unavailable</h1></body></html>",
            )
                .into_response();
        }
        Fault::Redirect if !redirected => {
            return (
                StatusCode::FOUND,
                [(header::LOCATION, format!("/cdn/cats/{}", entry.name))],
            )
                .into_response();
        }
        _ => {}
    }
    let bytes = entry.body.clone();
    match entry.fault {
        Fault::Truncated { times } if count <= times => {
            let half = bytes.slice(..bytes.len() / 2);
            // The pause lets the headers and the first half reach the client before the
            // connection is cut, as when a CDN drops mid-transfer.
            let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(half) })
                .chain(futures_util::stream::once(async {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Err(std::io::Error::other(
                        "connection dropped by the fake server",
                    ))
                }));
            Response::builder()
                .header(header::CONTENT_TYPE, content_type)
                .header(header::CONTENT_LENGTH, bytes.len())
                .body(Body::from_stream(stream))
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        Fault::NoLength => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = bytes
                .chunks(8192)
                .map(|c| Ok(Bytes::copy_from_slice(c)))
                .collect();
            Response::builder()
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from_stream(futures_util::stream::iter(chunks)))
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        _ => ([(header::CONTENT_TYPE, content_type)], bytes).into_response(),
    }
}
