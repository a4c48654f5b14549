//! For tests and the load benchmark: a server on a free port in a thread of its own, and a
//! small HTTP/1.1 client that keeps its connection, its cookies and its CSRF token. Not part
//! of the product.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};

/// Starts a server on `location` at a free port; returns its address once it listens. The
/// server lives as long as the process.
pub fn spawn_server(location: jixiao_store::Location) -> SocketAddr {
    spawn_server_with(location, |_| {})
}

/// Starts a server as [`spawn_server`] does, its configuration first changed by `set`.
pub fn spawn_server_with(
    location: jixiao_store::Location,
    set: impl FnOnce(&mut crate::Config) + Send + 'static,
) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut config = crate::Config::new(location, "127.0.0.1:0");
        set(&mut config);
        let tx2 = tx.clone();
        if let Err(e) = crate::serve(config, move |addr| {
            let _ = tx2.send(Ok(addr));
        }) {
            let _ = tx.send(Err(e));
        }
    });
    match rx.recv().expect("the server thread answers") {
        Ok(addr) => addr,
        Err(e) => panic!("the server did not start: {e}"),
    }
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// Headers, names in lower case (repeated ones joined by "\n").
    pub headers: BTreeMap<String, String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// One browser-like user: a kept-alive connection, cookies, and the last CSRF token seen.
pub struct Client {
    addr: SocketAddr,
    stream: Option<BufReader<TcpStream>>,
    /// Cookies by name.
    pub cookies: BTreeMap<String, String>,
    /// The CSRF token of the last page (hidden `_csrf` field) or sign-in answer.
    pub csrf: String,
    /// Headers sent with every request (`Origin`, `X-Forwarded-For`, …).
    pub always: Vec<(String, String)>,
}

impl Client {
    /// A client of the server at `addr`.
    pub fn new(addr: SocketAddr) -> Client {
        Client {
            addr,
            stream: None,
            cookies: BTreeMap::new(),
            csrf: String::new(),
            always: Vec::new(),
        }
    }

    /// Sends a request; retries once on a connection the server closed.
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
        extra: &[(&str, &str)],
    ) -> std::io::Result<Answer> {
        let req = Request {
            method,
            path,
            content_type,
            body,
            extra,
        };
        for attempt in 0..2 {
            match self.try_request(&req) {
                Ok(a) => return Ok(a),
                Err(e) if attempt == 0 => {
                    self.stream = None;
                    let _ = e;
                }
                Err(e) => return Err(e),
            }
        }
        unreachable!()
    }

    fn try_request(&mut self, req: &Request<'_>) -> std::io::Result<Answer> {
        let Request {
            method,
            path,
            content_type,
            body,
            extra,
        } = *req;
        if self.stream.is_none() {
            let s = TcpStream::connect(self.addr)?;
            s.set_nodelay(true)?;
            self.stream = Some(BufReader::new(s));
        }
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(t) = content_type {
            head.push_str(&format!("Content-Type: {t}\r\n"));
        }
        if !self.cookies.is_empty() {
            let c: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            head.push_str(&format!("Cookie: {}\r\n", c.join("; ")));
        }
        for (k, v) in self
            .always
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(extra.iter().copied())
        {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let reader = self.stream.as_mut().expect("connected");
        let s = reader.get_mut();
        s.write_all(head.as_bytes())?;
        s.write_all(body)?;
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "closed",
            ));
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let k = k.trim().to_ascii_lowercase();
                let v = v.trim().to_string();
                headers
                    .entry(k)
                    .and_modify(|old| {
                        old.push('\n');
                        old.push_str(&v);
                    })
                    .or_insert(v);
            }
        }
        let mut body = Vec::new();
        if let Some(n) = headers
            .get("content-length")
            .and_then(|n| n.parse::<usize>().ok())
        {
            body.resize(n, 0);
            reader.read_exact(&mut body)?;
        } else if headers
            .get("transfer-encoding")
            .is_some_and(|t| t.contains("chunked"))
        {
            loop {
                line.clear();
                reader.read_line(&mut line)?;
                let n = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
                let mut chunk = vec![0; n + 2];
                reader.read_exact(&mut chunk)?;
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
        }
        if headers
            .get("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"))
        {
            self.stream = None;
        }
        if let Some(set) = headers.get("set-cookie") {
            for c in set.lines() {
                if let Some((k, rest)) = c.split_once('=') {
                    let v = rest.split(';').next().unwrap_or("");
                    let removed = c.contains("Max-Age=0");
                    if removed || v.is_empty() {
                        self.cookies.remove(k.trim());
                    } else {
                        self.cookies.insert(k.trim().to_string(), v.to_string());
                    }
                }
            }
        }
        let answer = Answer {
            status,
            headers,
            body,
        };
        if let Some(t) = hidden_csrf(&answer.text()) {
            self.csrf = t;
        }
        Ok(answer)
    }

    /// GET.
    pub fn get(&mut self, path: &str) -> Answer {
        self.request("GET", path, None, &[], &[]).expect("GET")
    }

    /// POST a form; `_csrf` is added from the last page seen.
    pub fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let mut body = format!("_csrf={}", self.csrf);
        for (k, v) in fields {
            body.push_str(&format!("&{}={}", encode(k), encode(v)));
        }
        self.request(
            "POST",
            path,
            Some("application/x-www-form-urlencoded"),
            body.as_bytes(),
            &[],
        )
        .expect("POST")
    }

    /// POST JSON with the CSRF header.
    pub fn post_json(&mut self, path: &str, json: &serde_json::Value) -> Answer {
        let csrf = self.csrf.clone();
        self.request(
            "POST",
            path,
            Some("application/json"),
            json.to_string().as_bytes(),
            &[("X-CSRF-Token", &csrf)],
        )
        .expect("POST")
    }

    /// Signs in through the sign-in form; panics unless it succeeds.
    pub fn sign_in(&mut self, username: &str, password: &str) {
        self.get("/login");
        let a = self.post_form("/login", &[("username", username), ("password", password)]);
        assert_eq!(a.status, 303, "sign-in of {username}: {}", a.text());
        assert!(self.cookies.contains_key(crate::SESSION_COOKIE));
    }

    /// Signs in through the API; keeps the CSRF token it returns.
    pub fn sign_in_api(&mut self, username: &str, password: &str) {
        let a = self
            .request(
                "POST",
                "/api/login",
                Some("application/json"),
                serde_json::json!({"username": username, "password": password})
                    .to_string()
                    .as_bytes(),
                &[],
            )
            .expect("POST /api/login");
        assert_eq!(a.status, 200, "API sign-in of {username}: {}", a.text());
        let v: serde_json::Value = serde_json::from_slice(&a.body).expect("JSON");
        self.csrf = v["csrf_token"].as_str().unwrap_or_default().to_string();
    }
}

fn hidden_csrf(html: &str) -> Option<String> {
    let i = html.find("name=\"_csrf\" value=\"")?;
    let rest = &html[i + 20..];
    Some(rest[..rest.find('"')?].to_string())
}

/// Percent-encodes a form value.
pub fn encode(s: &str) -> String {
    crate::pages::percent_encode(s)
}

/// One request as [`Client::request`] was given it, for the retry.
#[derive(Clone, Copy)]
struct Request<'a> {
    method: &'a str,
    path: &'a str,
    content_type: Option<&'a str>,
    body: &'a [u8],
    extra: &'a [(&'a str, &'a str)],
}
