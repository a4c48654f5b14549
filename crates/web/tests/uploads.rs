//! Issue 15, item 2: uploads that inflate without bound. A test binary of its own, so that the
//! peak memory the process reports (VmHWM) is this server's and these uploads' alone.

use jixiao_store::testing::Scratch;
use jixiao_store::Location;
use jixiao_web::testing::{spawn_server, Client};
use std::path::Path;
use std::sync::Arc;

/// The process's peak resident memory, from its own accounting (`/proc/self/status`).
fn peak_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM");
    let kb: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a number of kB");
    kb * 1024
}

fn upload(c: &mut Client, name: &str, bytes: &[u8]) -> jixiao_web::testing::Answer {
    c.get("/imports");
    let b = "jixiaoBomb";
    let mut body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n",
        c.csrf
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{b}--\r\n").into_bytes());
    c.request(
        "POST",
        "/imports",
        Some(&format!("multipart/form-data; boundary={b}")),
        &body,
        &[],
    )
    .expect("upload")
}

#[test]
fn ten_decompression_bombs_at_once_are_refused_and_the_server_stays_under_1_gb() {
    let scratch = Scratch::new("web-bombs");
    let location = Location::Sqlite(scratch.path("b.db"));
    {
        let mut store = jixiao_store::open(&location).unwrap();
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/baiyun-2021");
        jixiao_exchange::import::import(store.as_mut(), &example, &Default::default(), &mut |_| {})
            .expect("import the seed");
        jixiao_app::auth::create_demo_accounts(store.as_mut(), "baiyun-zfb").expect("accounts");
    }
    let addr = spawn_server(location);
    // 1 MB inflating to 1 GB (honest, and lying in its headers), 4 MB to 4 GB, two cells 17
    // billion cells apart, and a string of 1 MB that 200,000 cells share (200 GB once copied).
    let bombs = Arc::new([
        (
            jixiao_archive::testing::bomb_xlsx(1 << 30, false),
            "xl/sharedStrings.xml",
        ),
        (
            jixiao_archive::testing::bomb_xlsx(1 << 30, true),
            "xl/sharedStrings.xml",
        ),
        (
            jixiao_archive::testing::bomb_xlsx(4000 << 20, true),
            "xl/sharedStrings.xml",
        ),
        (jixiao_archive::testing::area_bomb_xlsx(), "使用范围"),
        (jixiao_archive::testing::copy_bomb_xlsx(200_000), "文字合计"),
    ]);
    assert!(bombs[0].0.len() < 2 << 20 && bombs[2].0.len() < 6 << 20);
    let before = peak_bytes();
    let threads: Vec<_> = (0..10)
        .map(|i| {
            let bombs = bombs.clone();
            std::thread::spawn(move || {
                let mut c = Client::new(addr);
                c.sign_in("bureau", "Jx-bureau-2021");
                let (bytes, why) = &bombs[i % bombs.len()];
                let a = upload(&mut c, "支付流水.xlsx", bytes);
                (a.status, a.text(), *why)
            })
        })
        .collect();
    for t in threads {
        let (status, text, why) = t.join().unwrap();
        assert_eq!(status, 200, "{text}");
        assert!(text.contains("未写入任何数据"), "{text}");
        assert!(text.contains(why), "{why}: {text}");
        assert!(text.contains("未做任何处理"), "{text}");
    }
    let peak = peak_bytes();
    eprintln!(
        "peak resident memory: {} MB before the uploads, {} MB after ten at once",
        before >> 20,
        peak >> 20
    );
    assert!(peak < 1 << 30, "peak {} MB", peak >> 20);
}
