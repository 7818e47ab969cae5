//! The settings' reading, defaults and refusals.
use super::*;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

#[test]
fn the_pool_is_twice_the_cores_from_four_to_256() {
    assert_eq!(default_pool_size(1), 4);
    assert_eq!(default_pool_size(2), 4);
    assert_eq!(default_pool_size(8), 16);
    assert_eq!(default_pool_size(512), 256);
    let config = Config::load(None, &env(&[])).expect("valid");
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    assert_eq!(config.db_pool_size as usize, default_pool_size(cores));
}

#[test]
fn a_tile_server_gives_the_origin_that_the_policy_admits() {
    let osm = MapTiles::parse("https://tile.openstreetmap.org/{z}/{x}/{y}.png", " © OpenStreetMap ").expect("valid");
    assert_eq!(osm.origin, "https://tile.openstreetmap.org");
    assert_eq!(osm.attribution, "© OpenStreetMap");
    let spread = MapTiles::parse("https://{s}.tiles.example.vn:8443/{z}/{x}/{y}.png", "").expect("valid");
    assert_eq!(spread.origin, "https://*.tiles.example.vn:8443");
    for bad in [
        "tile.example.vn/{z}/{x}/{y}.png",
        "https://tile.example.vn/{z}/{x}.png",
        "https://tile.example.vn; script-src */{z}/{x}/{y}",
        "https://tile.example.vn'/{z}/{x}/{y}",
        "https:///{z}/{x}/{y}",
    ] {
        assert!(MapTiles::parse(bad, "").is_err(), "{bad}");
    }
    let refused = Config::load(None, &env(&[("TINBAO_MAP_TILES", "ftp://x/{z}/{x}/{y}")])).expect_err("refused");
    assert!(refused.iter().any(|e| e.starts_with("TINBAO_MAP_TILES")), "{refused:?}");
    let loaded = Config::load(None, &env(&[("TINBAO_MAP_TILES", "https://t.example.vn/{z}/{x}/{y}.png")]));
    assert_eq!(loaded.expect("loads").map_tiles.map(|m| m.origin).as_deref(), Some("https://t.example.vn"));
}

#[test]
fn defaults_serve_sqlite_in_the_data_directory() {
    let config = Config::load(None, &env(&[])).expect("defaults are valid");
    assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(config.database, DatabaseUrl::Sqlite(PathBuf::from("./data/tinbao.db")));
    assert!(config.seed_admin_units);
}

#[test]
fn the_environment_overrides_the_file_which_overrides_defaults() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("tinbao.toml");
    std::fs::write(&file, "listen = \"0.0.0.0:9000\"\ndb_pool_size = 4\ndata_dir = \"/srv/tinbao\"\n").expect("write");
    let config = Config::load(Some(&file), &env(&[("TINBAO_DB_POOL_SIZE", "12")])).expect("valid");
    assert_eq!(config.listen.to_string(), "0.0.0.0:9000");
    assert_eq!(config.db_pool_size, 12);
    assert_eq!(config.database, DatabaseUrl::Sqlite(PathBuf::from("/srv/tinbao/tinbao.db")));

    let config = Config::load(None, &env(&[("DATABASE_URL", "postgres://a@b/c"), ("TINBAO_DATABASE_URL", "x.db")]))
        .expect("valid");
    assert_eq!(config.database, DatabaseUrl::Sqlite(PathBuf::from("x.db")));
}

#[test]
fn every_bad_value_gets_its_own_message() {
    let errors = Config::load(
        None,
        &env(&[
            ("TINBAO_LISTEN", "localhost"),
            ("TINBAO_DB_POOL_SIZE", "0"),
            ("TINBAO_LOG_FORMAT", "xml"),
            ("DATABASE_URL", "mysql://root:hunter2@db/x"),
        ]),
    )
    .unwrap_err();
    assert_eq!(errors.len(), 4, "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("TINBAO_LISTEN: `localhost`")), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("TINBAO_DB_POOL_SIZE")), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("TINBAO_LOG_FORMAT")), "{errors:?}");
    assert!(errors.iter().all(|e| !e.contains("hunter2")), "a password leaked: {errors:?}");
}

#[test]
fn unknown_file_settings_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("tinbao.toml");
    std::fs::write(&file, "lisen = \"0.0.0.0:9000\"\n").expect("write");
    let errors = Config::load(Some(&file), &env(&[])).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("`lisen` is not a setting"), "{errors:?}");
}
