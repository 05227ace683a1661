//! `quarterly serve` as an editor uses it: it serves the site on 127.0.0.1, shows an edit
//! after the rebuild, shows a broken build's diagnostics over the last good page while it
//! keeps serving, recovers on the fix, refuses paths that try to leave the site however they
//! are written, answers hostile paths without failing, and serves the root's index page.
//!
//! Waiting uses the server's own long poll (`/__quarterly/wait`), which answers when a
//! rebuild has happened, so the test never sleeps; a deadline stops it if nothing happens.

mod fixture;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fixture::Site;

struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(site: &Site) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quarterly"))
        .args(["serve", "--port", "0"])
        .current_dir(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("serve printed its address")
            .expect("read stdout");
        if let Some(rest) = line.split(" at http://").nth(1) {
            break rest.split('/').next().unwrap_or_default().to_string();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, address }
}

/// A raw HTTP/1.1 GET, so paths reach the server exactly as written: (status, body).
fn get(server: &Server, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(&server.address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(40)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.address
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The build version a served page was made from.
fn version(page: &str) -> u64 {
    page.split("var v=")
        .nth(1)
        .and_then(|r| r.split(';').next())
        .and_then(|v| v.parse().ok())
        .expect("the reload script")
}

/// Fetches `path` after each rebuild until `done` holds for the page, or fails at the deadline.
fn after_rebuilds(server: &Server, path: &str, done: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, page) = get(server, path);
        if done(&page) {
            return page;
        }
        assert!(
            Instant::now() < deadline,
            "gave up waiting; last page:\n{page}"
        );
        // Blocks until the next build (or the server's own 25 s limit).
        get(server, &format!("/__quarterly/wait?v={}", version(&page)));
    }
}

#[test]
fn serve_rebuilds_shows_errors_over_the_last_good_page_and_recovers() {
    let site = Site::new();
    let server = start(&site);
    assert!(
        server.address.starts_with("127.0.0.1:"),
        "{}",
        server.address
    );

    let (status, page) = get(&server, "/briefings/2023-q3.html");
    assert_eq!(status, 200);
    assert!(page.contains("<h1>Q3 2023: growth holds</h1>"));
    assert!(
        page.contains("/__quarterly/wait"),
        "the live-reload script is injected"
    );
    assert!(!site.root().join("dist").exists(), "serve builds in memory");

    // An edit shows up after the rebuild.
    site.edit(
        "content/briefings/2023-q3.md",
        "growth holds",
        "growth holds up",
    );
    after_rebuilds(&server, "/briefings/2023-q3.html", |p| {
        p.contains("<h1>Q3 2023: growth holds up</h1>")
    });

    // A broken dataset: the diagnostics over the last good page, and the server stays up.
    site.edit(
        "content/data/market.yaml",
        "    growth: 6\n",
        "    growth: [6\n",
    );
    let broken = after_rebuilds(&server, "/briefings/2023-q3.html", |p| {
        p.contains("quarterly-error")
    });
    assert!(broken.contains("The last build failed"));
    assert!(
        broken.contains("content/data/market.yaml:"),
        "the diagnostic names the file and line"
    );
    assert!(
        broken.contains("<h1>Q3 2023: growth holds up</h1>"),
        "the last good page is still served"
    );
    let (status, _) = get(&server, "/index.html");
    assert_eq!(status, 200);

    // The fix clears the overlay.
    site.edit(
        "content/data/market.yaml",
        "    growth: [6\n",
        "    growth: 6\n",
    );
    after_rebuilds(&server, "/briefings/2023-q3.html", |p| {
        !p.contains("quarterly-error") && p.contains("growth holds up")
    });

    // Drafts are served, with a banner.
    site.edit(
        "content/briefings/2023-q3.md",
        "summary: Spend grew again.",
        "summary: Spend grew again.\ndraft: true",
    );
    after_rebuilds(&server, "/briefings/2023-q3.html", |p| {
        p.contains("class=\"draft-banner\"")
    });
}

/// Whether a response is a refusal (400 or 403, with no page of the site) or the site's own
/// 404 page: the server answered, did not fail, and served nothing it should not.
fn refused_or_not_found(status: u16, body: &str) -> bool {
    match status {
        400 | 403 => !body.contains("<!DOCTYPE html>"),
        404 => body.contains("Page not found"),
        _ => false,
    }
}

#[test]
fn serve_refuses_paths_that_leave_the_site_and_survives_hostile_ones() {
    let site = Site::new();
    let server = start(&site);
    let (status, index) = get(&server, "/index.html");
    assert_eq!(status, 200);
    assert!(index.contains("<h1>"), "{index}");

    // Each names a file of the site once its `..` is dropped or resolved, so serving it would
    // show: a `..` is refused however it is written, never followed or skipped.
    for path in [
        "/../index.html",
        "/briefings/../index.html",
        "/briefings/../../index.html",
        "/%2e%2e/index.html",
        "/%2E%2E/index.html",
        "/.%2e/index.html",
        "/briefings/%2e%2e/index.html",
        "/..%2findex.html",
        "/..%2Findex.html",
        "/briefings%2f..%2findex.html",
        "/briefings%2f%2e%2e%2f%2e%2e%2findex.html",
        "/..\\index.html",
        "/briefings\\..\\index.html",
        "/..%5cindex.html",
        "/briefings%5c..%5c..%5cindex.html",
        "http://127.0.0.1/../index.html",
    ] {
        let (status, body) = get(&server, path);
        assert!(
            refused_or_not_found(status, &body),
            "{path}: {status}\n{body}"
        );
    }
    // Absolute paths, NUL bytes, malformed escapes and very long paths: refused or not found,
    // and never a failure of the server.
    let long = [
        format!("/{}", "a/".repeat(50_000)),
        format!("/{}index.html", "../".repeat(30_000)),
        format!("/{}index.html", "%2e%2e%2f".repeat(10_000)),
        format!("/{}", "%".repeat(20_000)),
    ];
    for path in [
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/%2Fetc/passwd",
        "/C:/Windows/win.ini",
        "/C:%5cWindows%5cwin.ini",
        "/%00",
        "/index.html%00",
        "/index.html%00.css",
        "/\0",
        "/%",
        "/%2",
        "/%zz",
        "/%c3",
        "/%ff%fe",
        "/%e9t%e9.html",
    ]
    .into_iter()
    .chain(long.iter().map(String::as_str))
    {
        let (status, body) = get(&server, path);
        let shown: String = path.chars().take(60).collect();
        assert!(
            refused_or_not_found(status, &body),
            "{shown}: {status}\n{body}"
        );
    }

    // The server is still up and serving.
    let (status, css) = get(&server, "/static/style.css");
    assert_eq!(status, 200);
    assert!(css.contains("font-family"));
    assert_eq!(get(&server, "/index.html"), (200, index));
}

#[test]
fn serve_answers_the_site_root_with_its_index_page() {
    let site = Site::new();
    let server = start(&site);
    let (status, index) = get(&server, "/index.html");
    assert_eq!(status, 200);
    assert!(
        index.contains("Q3 2023: growth holds"),
        "the home page lists briefings"
    );
    for path in ["/", "/./", "/?from=feed", "/#top"] {
        assert_eq!(get(&server, path), (200, index.clone()), "{path}");
    }
    // A directory that is not a page of the site is not found, with the site's 404 page.
    for path in ["/briefings/", "/briefings", "/static/"] {
        let (status, body) = get(&server, path);
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("Page not found"), "{path}");
    }
}
