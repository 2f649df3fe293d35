//! Assembles the actix application: routes, OpenAPI and docs, middleware, and the fallback
//! that serves the browser app.

use std::path::PathBuf;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{ErrorHandlers, Next, from_fn};
use actix_web::{App, HttpMessage, HttpRequest, HttpResponse, web};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::browser_app;
use crate::error::ensure_problem_json;
use crate::extract::{path_error, query_error};
use crate::idempotency::idempotent_writes;
use crate::openapi::{ApiDoc, document_common_problems, spread_event_variants};
use crate::routes::{self, health};
use crate::{ApiError, AppState};

/// Where the built browser app lives.
#[derive(Clone, Debug)]
pub struct ApiConfig {
    pub static_dir: PathBuf,
}

/// Path templates of the API with their methods, to tell a wrong method (405, with the methods
/// that would do in `Allow`) from an unknown route (404).
#[derive(Clone)]
struct KnownPaths(Vec<(Vec<String>, Vec<&'static str>)>);

impl KnownPaths {
    fn from_document(document: &utoipa::openapi::OpenApi) -> Self {
        Self(
            document
                .paths
                .paths
                .iter()
                .map(|(path, item)| {
                    let methods = [
                        ("GET", item.get.is_some()),
                        ("POST", item.post.is_some()),
                        ("PUT", item.put.is_some()),
                        ("PATCH", item.patch.is_some()),
                        ("DELETE", item.delete.is_some()),
                    ];
                    let allowed = methods
                        .into_iter()
                        .filter(|(_, has)| *has)
                        .map(|(method, _)| method)
                        .collect();
                    (segments(path), allowed)
                })
                .collect(),
        )
    }

    /// The methods the path takes, when it is one of the API's.
    fn allowed(&self, path: &str) -> Option<Vec<&'static str>> {
        let wanted = segments(path);
        let mut allowed: Vec<&'static str> = self
            .0
            .iter()
            .filter(|(template, _)| {
                template.len() == wanted.len()
                    && template.iter().zip(&wanted).all(|(pattern, segment)| {
                        (pattern.starts_with('{') && !segment.is_empty()) || pattern == segment
                    })
            })
            .flat_map(|(_, methods)| methods.iter().copied())
            .collect();
        allowed.sort_unstable();
        allowed.dedup();
        (!allowed.is_empty()).then_some(allowed)
    }
}

fn segments(path: &str) -> Vec<String> {
    path.split('/').map(str::to_owned).collect()
}

fn routed_app() -> (
    App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<actix_web::body::BoxBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    >,
    utoipa::openapi::OpenApi,
) {
    let (app, mut document) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(health::healthz)
        .service(health::readyz)
        .service(routes::mail::receive_email)
        .service(routes::webhooks::receive_webhook)
        .service(routes::media::public_media)
        .service(utoipa_actix_web::scope("/api/v1").configure(routes::v1))
        .split_for_parts();
    document_common_problems(&mut document);
    spread_event_variants(&mut document);
    (app, document)
}

/// The OpenAPI document, exactly as the server serves it at `/api/openapi.json`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    routed_app().1
}

pub fn build_app(
    state: AppState,
    config: ApiConfig,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, document) = routed_app();
    let known_paths = KnownPaths::from_document(&document);
    app.app_data(web::Data::new(state))
        .app_data(web::Data::new(config))
        .app_data(web::Data::new(known_paths))
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .service(web::redirect("/api/docs", "/api/docs/"))
        .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", document))
        .default_service(web::to(fallback))
        .wrap(from_fn(idempotent_writes))
        .wrap(ErrorHandlers::new().default_handler(ensure_problem_json))
        .wrap(from_fn(refuse_nul_in_url))
        .wrap(from_fn(security_headers))
        .wrap(TracingLogger::default())
}

/// Echoes the request id the logs carry, and sets headers every answer should have.
async fn security_headers(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = request.extensions().get::<RequestId>().map(ToString::to_string);
    let mut response = next.call(request).await?;
    let headers = response.headers_mut();
    if let Some(value) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        headers.insert(HeaderName::from_static("x-request-id"), value);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    Ok(response)
}

/// A NUL character cannot name anything Textdesk stores (PostgreSQL cannot hold it in text), so
/// a URL carrying one is answered here, once: 404 in the path, 422 naming the query parameter.
async fn refuse_nul_in_url(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let has_nul = |text: &str| {
        text.contains('\0')
            || text
                .as_bytes()
                .windows(3)
                .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
    };
    if has_nul(request.path()) {
        let response = actix_web::ResponseError::error_response(&ApiError::NotFound("resource"));
        return Ok(request.into_response(response));
    }
    let query = request.query_string();
    if has_nul(query) {
        let parameter = form_urlencoded::parse(query.as_bytes())
            .find(|(name, value)| name.contains('\0') || value.contains('\0'))
            .map(|(name, _)| name.replace('\0', ""))
            .unwrap_or_else(|| "query".to_owned());
        let error = ApiError::field(&parameter, "control_characters", "must not contain NUL characters");
        return Ok(request.into_response(actix_web::ResponseError::error_response(&error)));
    }
    Ok(next.call(request).await?.map_into_boxed_body())
}

/// Anything no route took: API paths get a problem (405 for a known path with the wrong
/// method, else 404); other GETs get a file of the browser app, or its index.html so the
/// app's own router can handle the path.
async fn fallback(request: HttpRequest, config: web::Data<ApiConfig>, known: web::Data<KnownPaths>) -> HttpResponse {
    let path = request.path();
    if path.starts_with("/api/") || path == "/api" || path.starts_with("/webhooks/") || path.starts_with("/media/") {
        if let Some(allowed) = known.allowed(path) {
            let problem = textdesk_types::ProblemDetails::new(405, "method_not_allowed", "Method not allowed")
                .with_detail(format!("{} is not allowed on {path}.", request.method()));
            let mut response = crate::error::problem_response(&problem);
            if let Ok(value) = HeaderValue::from_str(&allowed.join(", ")) {
                response.headers_mut().insert(header::ALLOW, value);
            }
            return response;
        }
        return actix_web::ResponseError::error_response(&ApiError::NotFound("route"));
    }
    if request.method() != actix_web::http::Method::GET && request.method() != actix_web::http::Method::HEAD {
        return actix_web::ResponseError::error_response(&ApiError::NotFound("route"));
    }
    browser_app::serve_browser_app(&request, &config.static_dir)
}
