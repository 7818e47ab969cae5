//! Forged, altered and misused tokens: every one is a 401 `invalid_token`, with a
//! `WWW-Authenticate: Bearer` challenge.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_problem, spawn_app};

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

/// The parts of a genuine token.
fn parts(token: &str) -> (Value, Value, String) {
    let mut it = token.split('.');
    let header = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap()).unwrap();
    let claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap()).unwrap();
    (header, claims, it.next().unwrap().to_owned())
}

/// Signs `claims` with the server's own key, with a header we choose.
fn sign(app: &TestApp, header: Header, claims: &Value) -> String {
    let pem = std::fs::read(tinbao::auth::tokens::default_key_path(&app.data_dir)).unwrap();
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_pem(&pem).unwrap()).unwrap()
}

fn eddsa(kid: &str) -> Header {
    let mut header = Header::new(Algorithm::EdDSA);
    header.typ = Some("at+jwt".into());
    header.kid = Some(kid.to_owned());
    header
}

async fn every_forged_or_misused_token_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let citizen = app.citizen("0966777888").await;
    let genuine = citizen.access_token.clone();
    assert_eq!(app.call("GET", "/api/v1/me", Some(&genuine), None).await.status().as_u16(), 200);
    let (header, claims, signature) = parts(&genuine);
    let kid = header["kid"].as_str().unwrap().to_owned();
    let now = chrono::Utc::now().timestamp();
    let with = |changes: Value| {
        let mut c = claims.clone();
        for (k, v) in changes.as_object().unwrap() {
            if v.is_null() {
                c.as_object_mut().unwrap().remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        c
    };

    let public_key = {
        let pem = std::fs::read_to_string(tinbao::auth::tokens::default_key_path(&app.data_dir)).unwrap();
        ed25519_dalek::SigningKey::from_pkcs8_pem(&pem).unwrap().verifying_key().to_bytes()
    };
    let stranger_key = {
        let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
        key.to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF).unwrap().to_string()
    };
    let mut hs256 = Header::new(Algorithm::HS256);
    hs256.typ = Some("at+jwt".into());
    hs256.kid = Some(kid.clone());
    let mut plain_jwt = eddsa(&kid);
    plain_jwt.typ = Some("JWT".into());
    let mut no_kid = eddsa(&kid);
    no_kid.kid = None;
    let flip = |s: &str| {
        let mut bytes = URL_SAFE_NO_PAD.decode(s).unwrap();
        bytes[0] ^= 1;
        URL_SAFE_NO_PAD.encode(bytes)
    };
    let (h64, c64) = (b64(&header), b64(&claims));

    // A session that has ended.
    let ended = app.full_session("0966777888").await;
    app.call("POST", "/api/v1/auth/logout", Some(&ended.access_token), None).await;
    // Another account's session, with this account's id as subject.
    let other = app.citizen("0955666777").await;
    let (_, other_claims, _) = parts(&other.access_token);

    // Control: a token re-signed by this test with the server's key, claims unchanged, is
    // accepted, so each refusal below is due to its one change.
    let resigned = sign(&app, eddsa(&kid), &claims);
    assert_eq!(app.call("GET", "/api/v1/me", Some(&resigned), None).await.status().as_u16(), 200);

    let forgeries: Vec<(&str, Option<String>)> = vec![
        ("no token at all", None),
        ("alg none", Some(format!("{}.{c64}.", b64(&json!({"alg": "none", "typ": "at+jwt", "kid": kid}))))),
        (
            "alg None, signature kept",
            Some(format!("{}.{c64}.{signature}", b64(&json!({"alg": "None", "typ": "at+jwt", "kid": kid})))),
        ),
        (
            "HS256 keyed with the raw public key",
            Some(jsonwebtoken::encode(&hs256, &claims, &EncodingKey::from_secret(&public_key)).unwrap()),
        ),
        (
            "HS256 keyed with the kid",
            Some(jsonwebtoken::encode(&hs256, &claims, &EncodingKey::from_secret(kid.as_bytes())).unwrap()),
        ),
        (
            "RS256 header on the genuine signature",
            Some(format!("{}.{c64}.{signature}", b64(&json!({"alg": "RS256", "typ": "at+jwt", "kid": kid})))),
        ),
        ("a flipped bit in the signature", Some(format!("{h64}.{c64}.{}", flip(&signature)))),
        ("a flipped bit in the claims", Some(format!("{h64}.{}.{signature}", flip(&c64)))),
        (
            "another subject, same signature",
            Some(format!("{h64}.{}.{signature}", b64(&with(json!({"sub": other.user_id}))))),
        ),
        ("wrong audience", Some(sign(&app, eddsa(&kid), &with(json!({"aud": "someone-else"}))))),
        ("wrong issuer", Some(sign(&app, eddsa(&kid), &with(json!({"iss": "evil"}))))),
        (
            "expired beyond the leeway",
            Some(sign(&app, eddsa(&kid), &with(json!({"exp": now - 120, "nbf": now - 720, "iat": now - 720})))),
        ),
        (
            "not valid yet beyond the leeway",
            Some(sign(&app, eddsa(&kid), &with(json!({"nbf": now + 120, "iat": now + 120, "exp": now + 720})))),
        ),
        ("no expiry", Some(sign(&app, eddsa(&kid), &with(json!({"exp": null}))))),
        ("unknown kid", Some(sign(&app, eddsa("0123456789abcdef"), &claims))),
        ("no kid", Some(sign(&app, no_kid, &claims))),
        ("typ JWT instead of at+jwt", Some(sign(&app, plain_jwt, &claims))),
        (
            "a stranger's key under our kid",
            Some(
                jsonwebtoken::encode(
                    &eddsa(&kid),
                    &claims,
                    &EncodingKey::from_ed_pem(stranger_key.as_bytes()).unwrap(),
                )
                .unwrap(),
            ),
        ),
        (
            "a session id that does not exist",
            Some(sign(&app, eddsa(&kid), &with(json!({"sid": uuid::Uuid::now_v7().to_string()})))),
        ),
        (
            "a real session of another account",
            Some(sign(&app, eddsa(&kid), &with(json!({"sid": other_claims["sid"]})))),
        ),
        ("a session that was signed out", Some(ended.access_token.clone())),
        ("the refresh token", Some(citizen.refresh_token.clone())),
        ("two parts only", Some(format!("{h64}.{c64}"))),
        ("garbage", Some("not-a-token".to_owned())),
    ];
    assert!(forgeries.len() >= 20);
    for (what, token) in forgeries {
        let res = app.call("GET", "/api/v1/me", token.as_deref(), None).await;
        assert_eq!(res.headers().get("www-authenticate").map(|v| v.to_str().unwrap()), Some("Bearer"), "{what}");
        let body = assert_problem(res, 401, "invalid_token").await;
        assert!(body["detail"].as_str().is_some(), "{what}");
    }

    for header in ["Basic Zm9vOmJhcg==", "Bearer", "Bearer    ", "bearer x y"] {
        let res =
            app.client.get(format!("{}/api/v1/me", app.address)).header("Authorization", header).send().await.unwrap();
        assert_problem(res, 401, "invalid_token").await;
    }
    // The genuine token still works: nothing above disturbed it.
    assert_eq!(app.call("GET", "/api/v1/me", Some(&genuine), None).await.status().as_u16(), 200);
}

crate::on_both_backends!(every_forged_or_misused_token_is_refused);
