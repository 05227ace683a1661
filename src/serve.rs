//! `quarterly serve`: builds the site into memory, serves it on 127.0.0.1, brings it up to
//! date when `content/` or `templates/` change, and reloads the browser. An edit to a
//! briefing's text re-renders only what shows it; anything else is a full build (see
//! `incremental`). A failed build keeps the last good site and shows the diagnostics over
//! the page until the next good build.
//!
//! The browser learns of a new build by long polling `/__quarterly/wait?v=N`: the request is
//! held until the build version passes N, so a reload follows a rebuild at once, with no
//! streaming connection to keep alive.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};
use percent_encoding::percent_decode_str;
use tiny_http::{Header, Method, Request, Response, Server};

use crate::escape::html_text;
use crate::incremental::Session;
use crate::model::ImageFile;
use crate::output::ImageCache;

/// What the server shows: the last good build, and the diagnostics of a failed one.
#[derive(Default)]
pub struct ServeState {
    pub files: BTreeMap<String, Arc<Vec<u8>>>,
    /// Images, drawn only when asked for.
    pub images: BTreeMap<String, Arc<ImageFile>>,
    pub error: Option<String>,
    pub version: u64,
    pub last_build: Duration,
}

pub struct Shared {
    pub state: Mutex<ServeState>,
    changed: Condvar,
    /// Where images drawn for a request are kept, as a build keeps them.
    cache: Option<ImageCache>,
}

impl Shared {
    pub fn new() -> Arc<Shared> {
        Arc::new(Shared {
            state: Mutex::new(ServeState::default()),
            changed: Condvar::new(),
            cache: None,
        })
    }

    /// Shared state whose images are kept in the cache of the site at `root` (drawn
    /// without one when it cannot be made).
    pub fn with_cache(root: &Path) -> Arc<Shared> {
        Arc::new(Shared {
            state: Mutex::new(ServeState::default()),
            changed: Condvar::new(),
            cache: ImageCache::open(root).ok(),
        })
    }

    /// An image drawn as PNG bytes.
    fn draw(&self, image: &ImageFile) -> Result<Vec<u8>, String> {
        match &self.cache {
            Some(cache) => cache
                .file_of(image)
                .and_then(std::fs::read)
                .map_err(|e| e.to_string()),
            None => crate::raster::png(&image.svg, image.scale),
        }
    }
}

/// What the preview builds from: the site's root and, after the first good build, the
/// site in memory that later changes update.
pub struct Builder {
    root: PathBuf,
    session: Option<Session>,
}

impl Builder {
    pub fn new(root: &Path) -> Builder {
        Builder {
            root: root.to_path_buf(),
            session: None,
        }
    }
}

/// Brings the site up to date after the files at `changed` changed (a full build the
/// first time) and publishes the result: the new files on success, the diagnostics (and
/// the old files) on failure. Returns whether the build succeeded.
pub fn rebuild(builder: &mut Builder, changed: &BTreeSet<PathBuf>, shared: &Shared) -> bool {
    let started = Instant::now();
    let result = match &mut builder.session {
        Some(session) => session.update(changed).map(Some),
        None => Session::build(&builder.root).map(|session| {
            builder.session = Some(session);
            None
        }),
    };
    let elapsed = started.elapsed();
    let ok = result.is_ok();
    let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    match (result, &builder.session) {
        (Ok(update), Some(session)) => {
            let files = session.files();
            let images = session.images();
            match update {
                Some(update) if !update.full => {
                    for path in &update.removed {
                        state.files.remove(path);
                        state.images.remove(path);
                    }
                    for path in &update.rendered {
                        if let Some(bytes) = files.get(path) {
                            state.files.insert(path.clone(), Arc::clone(bytes));
                        }
                        if let Some(image) = images.get(path) {
                            state.images.insert(path.clone(), Arc::clone(image));
                        }
                    }
                    println!(
                        "updated {} files in {} ms",
                        update.rendered.len() + update.removed.len(),
                        elapsed.as_millis()
                    );
                }
                _ => {
                    state.files = files
                        .iter()
                        .map(|(path, bytes)| (path.clone(), Arc::clone(bytes)))
                        .collect();
                    state.images = images
                        .iter()
                        .map(|(path, image)| (path.clone(), Arc::clone(image)))
                        .collect();
                    println!(
                        "rebuilt {} pages with {} charts in {} ms",
                        session.pages,
                        session.charts,
                        elapsed.as_millis()
                    );
                }
            }
            state.error = None;
        }
        (Ok(_), None) => {}
        (Err(diagnostics), _) => {
            let text = diagnostics.sorted().to_string();
            eprint!("{text}");
            eprintln!("build failed; still serving the last good build");
            state.error = Some(text);
        }
    }
    state.version += 1;
    state.last_build = elapsed;
    drop(state);
    shared.changed.notify_all();
    ok
}

/// Starts watching `content/` and `templates/` under `root`; each burst of changes triggers
/// one update once the files have been quiet for a moment. The returned watcher must be kept
/// alive.
pub fn watch(
    mut builder: Builder,
    shared: Arc<Shared>,
) -> notify::Result<notify::RecommendedWatcher> {
    let (tx, rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx)?;
    for dir in ["content", "templates"] {
        let path = builder.root.join(dir);
        if path.is_dir() {
            watcher.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    std::thread::spawn(move || {
        // Reading files to rebuild is itself an event on some systems; only changes count.
        let changes = |event: notify::Result<notify::Event>| match event {
            Ok(e) if !matches!(e.kind, notify::EventKind::Access(_)) => Some(e.paths),
            _ => None,
        };
        while let Ok(event) = rx.recv() {
            let Some(paths) = changes(event) else {
                continue;
            };
            let mut changed: BTreeSet<PathBuf> = paths.into_iter().collect();
            // Debounce: an editor's save is often several events; wait until they stop.
            while let Ok(more) = rx.recv_timeout(Duration::from_millis(15)) {
                changed.extend(changes(more).into_iter().flatten());
            }
            rebuild(&mut builder, &changed, &shared);
        }
    });
    Ok(watcher)
}

/// The path a request asks for, as a key into the built files, or `None` when it tries to
/// leave the site: `..` (also percent-encoded), backslashes, NUL, a drive or scheme (`C:`),
/// a target that is not a path from the root (`http://host/x`, `//host/x`), or a malformed
/// escape.
pub fn site_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') || path.starts_with("//") || has_malformed_escape(path) {
        return None;
    }
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    if decoded.contains(['\\', '\0', ':']) {
        return None;
    }
    let mut parts = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    let mut key = parts.join("/");
    if key.is_empty() || decoded.ends_with('/') {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Some(key)
}

/// Whether a `%` in `path` is not followed by two hex digits. `percent-encoding` passes such
/// an escape through as text; a request that has one is refused instead of guessed at.
fn has_malformed_escape(path: &str) -> bool {
    path.match_indices('%').any(|(i, _)| {
        !path
            .get(i + 1..i + 3)
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
    })
}

/// The `Content-Type` for a built file, by its extension; text is always UTF-8.
fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    if mime.type_() == mime_guess::mime::TEXT {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// The script that reloads the page after each build, and the overlay that shows a failed
/// build's diagnostics. Only the dev server adds it; built sites have no such script.
fn live_reload(version: u64, error: Option<&str>) -> String {
    let overlay = error.map_or(String::new(), |text| {
        format!(
            "<div id=\"quarterly-error\" role=\"alert\" style=\"position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(20,20,20,.94);color:#f5f5f5;padding:1.5rem;font:14px/1.45 ui-monospace,Menlo,Consolas,monospace\"><p style=\"font-weight:700;color:#ff8a80;margin:0 0 1rem\">The last build failed. The page below is the last good build.</p><pre style=\"white-space:pre-wrap;margin:0\">{}</pre></div>",
            html_text(text)
        )
    });
    format!(
        "{overlay}<script>(function(){{var v={version};function wait(){{fetch('/__quarterly/wait?v='+v,{{cache:'no-store'}}).then(function(r){{return r.text();}}).then(function(t){{if(+t>v){{location.reload();}}else{{wait();}}}}).catch(function(){{setTimeout(wait,1000);}});}}wait();}})();</script>"
    )
}

fn with_live_reload(html: &[u8], version: u64, error: Option<&str>) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let script = live_reload(version, error);
    match text.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{script}").into_bytes(),
    }
}

fn respond(request: Request, status: u16, content_type: &str, body: Vec<u8>) {
    let mut response = Response::new(
        status.into(),
        Vec::new(),
        Cursor::new(body.clone()),
        Some(body.len()),
        None,
    );
    if let Some(h) = header("Content-Type", content_type) {
        response.add_header(h);
    }
    if let Some(h) = header("Cache-Control", "no-store") {
        response.add_header(h);
    }
    // The client may have gone away; nothing to do about it.
    let _ = request.respond(response);
}

fn handle(request: Request, shared: &Shared) {
    if request.method() != &Method::Get && request.method() != &Method::Head {
        respond(
            request,
            405,
            "text/plain; charset=utf-8",
            b"only GET and HEAD\n".to_vec(),
        );
        return;
    }
    let url = request.url().to_string();
    if let Some(query) = url.strip_prefix("/__quarterly/wait") {
        let seen: u64 = query
            .split(['?', '&'])
            .find_map(|kv| kv.strip_prefix("v="))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
        let (state, _) = shared
            .changed
            .wait_timeout_while(state, Duration::from_secs(25), |s| s.version <= seen)
            .unwrap_or_else(|e| e.into_inner());
        let version = state.version;
        drop(state);
        respond(
            request,
            200,
            "text/plain; charset=utf-8",
            version.to_string().into_bytes(),
        );
        return;
    }
    let Some(path) = site_path(&url) else {
        respond(
            request,
            403,
            "text/plain; charset=utf-8",
            b"403: outside the site\n".to_vec(),
        );
        return;
    };
    let state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    let (version, error) = (state.version, state.error.clone());
    if let Some(image) = state.images.get(&path).cloned() {
        drop(state);
        // Drawn now, outside the lock: an image costs nothing until a reader asks for it.
        match shared.draw(&image) {
            Ok(bytes) => respond(request, 200, &content_type(&path), bytes),
            Err(e) => respond(
                request,
                500,
                "text/plain; charset=utf-8",
                format!("500: {path} cannot be drawn: {e}\n").into_bytes(),
            ),
        }
        return;
    }
    let found = state
        .files
        .get(&path)
        .map(|b| (200, path.clone(), b.clone()))
        .or_else(|| {
            state
                .files
                .get(&format!("{path}/index.html"))
                .map(|b| (200, format!("{path}/index.html"), b.clone()))
        })
        .or_else(|| {
            state
                .files
                .get("404.html")
                .map(|b| (404, "404.html".to_string(), b.clone()))
        });
    drop(state);
    match found {
        Some((status, path, bytes)) if path.ends_with(".html") => {
            let body = with_live_reload(&bytes, version, error.as_deref());
            respond(request, status, &content_type(&path), body);
        }
        Some((status, path, bytes)) => {
            respond(request, status, &content_type(&path), bytes.to_vec())
        }
        None => {
            // No good build yet: show the diagnostics on every page.
            let page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body></body></html>";
            let body = with_live_reload(
                page.as_bytes(),
                version,
                Some(error.as_deref().unwrap_or("no build yet")),
            );
            respond(request, 503, "text/html; charset=utf-8", body);
        }
    }
}

/// Serves until the process ends. Each request gets a thread: long polls wait in theirs.
pub fn serve(root: PathBuf, address: SocketAddr, open: bool) -> Result<(), String> {
    let shared = Shared::with_cache(&root);
    let mut builder = Builder::new(&root);
    rebuild(&mut builder, &BTreeSet::new(), &shared);
    let _watcher = watch(builder, Arc::clone(&shared))
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    let server = Server::http(address).map_err(|e| format!("cannot listen on {address}: {e}"))?;
    let url = format!("http://{}/", server.server_addr());
    println!(
        "serving {} at {url} (drafts included); press Ctrl-C to stop",
        root.display()
    );
    if open && opener::open_browser(&url).is_err() {
        eprintln!("could not open a browser; visit {url}");
    }
    for request in server.incoming_requests() {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || handle(request, &shared));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_map_into_the_site_or_are_refused() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            site_path("/briefings/2023-q3.html?x=1").as_deref(),
            Some("briefings/2023-q3.html")
        );
        assert_eq!(
            site_path("/vendors/").as_deref(),
            Some("vendors/index.html")
        );
        for bad in [
            "/../etc/passwd",
            "/a/../../b",
            "/%2e%2e/secret",
            "/a\\b",
            "/%00",
            "/%zz",
            "/%2",
            "/a%2fb/%2E%2E/%2e%2E/c",
            "/..%5csecret",
            "/C:/Windows/win.ini",
            "//etc/passwd",
            "http://example.org/index.html",
            "index.html",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn encoded_names_decode_and_types_follow_the_extension() {
        assert_eq!(
            site_path("/data/charts/a%20b.csv").as_deref(),
            Some("data/charts/a b.csv")
        );
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/style.css"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("static/search.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("static/favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("data/market.json"), "application/json");
        assert_eq!(content_type("static/chart-sans.woff2"), "font/woff2");
        assert_eq!(content_type("no-extension"), "application/octet-stream");
    }

    #[test]
    fn the_reload_script_goes_before_the_end_of_the_body() {
        let out = String::from_utf8(with_live_reload(
            b"<html><body><p>x</p></body></html>",
            3,
            Some("error: <bad>"),
        ))
        .unwrap();
        assert!(out.contains("var v=3;"));
        assert!(out.contains("error: &lt;bad&gt;"));
        assert!(out.ends_with("</script></body></html>"));
    }
}
