//! A browser, as far as the pages' tests need one: it keeps the cookies the server sets,
//! posts forms, and reads fields back out of the HTML.

use reqwest::Response;
use reqwest::header::HeaderMap;

use crate::helpers::TestApp;

/// One page as answered.
pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub html: String,
}

impl Page {
    async fn of(res: Response) -> Page {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        Page { status, headers, html: res.text().await.expect("a body") }
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    /// The value of the first `<input>` named `name`.
    pub fn input(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        self.html
            .split(&marker)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(unescape)
            .unwrap_or_else(|| panic!("no input {name} in {}", self.html))
    }

    /// The text of the element whose id is `id`.
    pub fn text_of(&self, id: &str) -> String {
        let marker = format!("id=\"{id}\"");
        let rest = self.html.split(&marker).nth(1).unwrap_or_else(|| panic!("no #{id} in {}", self.html));
        let inner = rest.split_once('>').map(|(_, r)| r).unwrap_or_default();
        unescape(inner.split('<').next().unwrap_or_default())
    }

    /// The `value`s of the options of the select named `name`, the empty one left out.
    pub fn options(&self, name: &str) -> Vec<String> {
        let marker = format!("name=\"{name}\"");
        let select = self.html.split(&marker).nth(1).and_then(|r| r.split("</select>").next()).unwrap_or_default();
        select
            .split("<option value=\"")
            .skip(1)
            .filter_map(|o| o.split('"').next())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

fn unescape(text: &str) -> String {
    text.replace("&#34;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// A browser with its cookies.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    client: reqwest::Client,
    cookies: Vec<(String, String)>,
    pub accept_language: Option<&'static str>,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");
        Browser { app, client, cookies: Vec::new(), accept_language: None }
    }

    fn keep_cookies(&mut self, headers: &HeaderMap) {
        for value in headers.get_all("set-cookie") {
            let text = value.to_str().unwrap_or_default();
            if let Some((name, rest)) = text.split(';').next().and_then(|pair| pair.split_once('=')) {
                self.cookies.retain(|(n, _)| n != name);
                // A cookie set empty (and expired) is one the server removed.
                if !rest.is_empty() {
                    self.cookies.push((name.to_owned(), rest.to_owned()));
                }
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ")
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let mut req = self.client.get(format!("{}{path}", self.app.address)).header("Cookie", self.cookie_header());
        if let Some(lang) = self.accept_language {
            req = req.header("Accept-Language", lang);
        }
        let page = Page::of(req.send().await.expect("the page answers")).await;
        self.keep_cookies(&page.headers);
        page
    }

    /// Posts `fields` to `path` as a form, with the cookies kept so far.
    pub async fn post(&mut self, path: &str, fields: &[(String, String)]) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let req = self
            .client
            .post(format!("{}{path}", self.app.address))
            .header("Cookie", self.cookie_header())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body);
        let page = Page::of(req.send().await.expect("the page answers")).await;
        self.keep_cookies(&page.headers);
        page
    }
}

/// Owned pairs from borrowed ones.
pub fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}
