fn main() {
    for a in std::env::args().skip(1) {
        let p = std::path::Path::new(&a);
        println!("== {a}");
        for f in jixiao_check::check_file(p, &jixiao_check::Rules::default()).unwrap() {
            println!("  [{:?} {}] {}", f.severity, f.check, f.sentence());
        }
    }
}
