//! What every face reads off a request, below the JSON API (`routes`) and the pages
//! (`web`), so that neither borrows from the other: named parameters (`params`), the
//! lists' query strings as the use cases' queries (`list_queries`), the client's address
//! (`address`), and the request's id and language (`request_context`).

pub mod address;
pub mod list_queries;
pub mod params;
pub mod request_context;
