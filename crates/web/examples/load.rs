//! Load generator for `bench/web.py`: N concurrent clients, each signed in, alternating the
//! dashboard and the monitoring page for a fixed time; prints p50/p99 latency and requests per
//! second as one JSON line. Traffic goes only to the address given (a local server).
//!
//!   cargo run --release -p jixiao-web --example load -- ADDR SECONDS CLIENTS USER:PASSWORD...
//!   cargo run --release -p jixiao-web --example load -- accounts DATABASE DEPARTMENT
//!
//! The second form creates the demo accounts (one per role, passwords `Jx-<name>-2021`) on a
//! benchmark's store: business accounts made on the command line get one-time credentials,
//! which a load run cannot use.

use jixiao_web::testing::Client;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("accounts") && args.len() == 3 {
        let mut store = jixiao_store::open(&jixiao_store::Location::parse(&args[1]))
            .expect("the benchmark's store");
        for (name, password, role) in
            jixiao_app::auth::create_demo_accounts(store.as_mut(), &args[2]).expect("accounts")
        {
            println!("{name}\t{password}\t{}", role.id());
        }
        return;
    }
    if args.len() < 4 {
        eprintln!("usage: load ADDR SECONDS CLIENTS USER:PASSWORD [USER:PASSWORD…]");
        std::process::exit(2);
    }
    let addr: std::net::SocketAddr = args[0].parse().expect("ADDR like 127.0.0.1:8080");
    assert!(
        addr.ip().is_loopback(),
        "the load generator only targets this machine"
    );
    let seconds: u64 = args[1].parse().expect("SECONDS");
    let clients: usize = args[2].parse().expect("CLIENTS");
    let users: Vec<(String, String)> = args[3..]
        .iter()
        .map(|u| {
            let (n, p) = u.split_once(':').expect("USER:PASSWORD");
            (n.to_string(), p.to_string())
        })
        .collect();
    let as_of = std::env::var("AS_OF").unwrap_or_else(|_| "2021-09-30".into());
    // Sign everyone in first; sign-in (Argon2) is not what is measured.
    let mut signed: Vec<Client> = (0..clients)
        .map(|i| {
            let (n, p) = &users[i % users.len()];
            let mut c = Client::new(addr);
            c.sign_in(n, p);
            c
        })
        .collect();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(clients));
    let threads: Vec<_> = signed
        .drain(..)
        .enumerate()
        .map(|(i, mut c)| {
            let barrier = barrier.clone();
            let monitoring = format!("/monitoring?as_of={as_of}");
            std::thread::spawn(move || {
                barrier.wait();
                let end = Instant::now() + Duration::from_secs(seconds);
                let mut lat = Vec::new();
                let mut errors = 0u64;
                let mut k = i;
                while Instant::now() < end {
                    let path = if k % 2 == 0 { "/" } else { monitoring.as_str() };
                    k += 1;
                    let t = Instant::now();
                    match c.request("GET", path, None, &[], &[]) {
                        Ok(a) if a.status == 200 => lat.push(t.elapsed()),
                        _ => errors += 1,
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    let started = Instant::now();
    let mut all = Vec::new();
    let mut errors = 0;
    for t in threads {
        let (l, e) = t.join().expect("client thread");
        all.extend(l);
        errors += e;
    }
    let wall = started.elapsed().as_secs_f64();
    all.sort();
    let pct = |p: f64| -> f64 {
        if all.is_empty() {
            return 0.0;
        }
        let i = ((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1;
        all[i].as_secs_f64() * 1000.0
    };
    println!(
        "{{\"clients\": {clients}, \"seconds\": {wall:.1}, \"requests\": {}, \"errors\": {errors}, \"rps\": {:.0}, \"p50_ms\": {:.2}, \"p90_ms\": {:.2}, \"p99_ms\": {:.2}, \"max_ms\": {:.2}}}",
        all.len(),
        all.len() as f64 / wall,
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0),
    );
}
