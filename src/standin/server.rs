//! The HTTP side of the stand-in: an axum server on 127.0.0.1 that answers
//! `POST /bot{token}/{method}` like Telegram, including the method implementations (sending and
//! editing messages, long polling getUpdates, ...) and the injected faults. Child modules hold
//! request bodies (`body`: JSON, multipart, forms), photos and copies (`media`), reply
//! keyboards (`markup`) and webhooks with their delivery driver (`webhook`). A listener wrapper
//! lets a handler kill its own connection, so `Fault::DropConnection` can close a socket
//! without writing any HTTP response, even on a keep-alive connection.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, State as AxumState};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::serve::{IncomingStream, Listener};
use axum::Router;
use serde_json::{json, Map, Value};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use super::html::{parse_html, utf16_len, Entity, FormattedText};
use super::spec::spec;
use super::state::{bot_user_json, unix_now, Shared, State, StoredMessage};
use super::{
    Call, CallOutcome, Fault, ReplyKeyboardChange, SentMessage, SentPhoto, TimelineEntry,
    BOT_FIRST_NAME, BOT_ID, BOT_USERNAME, TOKEN,
};

mod body;
mod markup;
mod media;
pub(crate) mod webhook;

use body::RequestBody;

/// The largest request body: Telegram's limit for a multipart upload, 50 MB.
const MAX_BODY_BYTES: usize = 50 * 1024 * 1024;

/// Longest message text, in UTF-16 code units after entity parsing.
const TEXT_LIMIT: usize = 4096;
/// Longest caption, in UTF-16 code units after entity parsing.
const CAPTION_LIMIT: usize = 1024;

/// Starts the server; returns its address and the sender that stops it.
pub(crate) async fn start(shared: Arc<Shared>) -> io::Result<(SocketAddr, oneshot::Sender<()>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let app = Router::new().fallback(handle).with_state(shared);
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<ConnectionKill>();
        let _ = axum::serve(KillableListener(listener), service)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    Ok((address, stop))
}

/// A TCP listener whose connections can be killed from inside a request handler.
struct KillableListener(TcpListener);

/// A connection plus its kill switch. Once killed, every read and write fails, so hyper
/// drops the connection without sending the response it was about to write.
struct KillableStream {
    stream: TcpStream,
    killed: Arc<AtomicBool>,
}

/// The kill switch of the connection a request came in on (axum connect info).
#[derive(Clone)]
struct ConnectionKill(Arc<AtomicBool>);

impl Listener for KillableListener {
    type Io = KillableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((stream, address)) => {
                    let _ = stream.set_nodelay(true);
                    let killed = Arc::new(AtomicBool::new(false));
                    return (KillableStream { stream, killed }, address);
                }
                // Like axum's own loop: accept errors (too many files) are transient.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

impl Connected<IncomingStream<'_, KillableListener>> for ConnectionKill {
    fn connect_info(stream: IncomingStream<'_, KillableListener>) -> Self {
        ConnectionKill(stream.io().killed.clone())
    }
}

fn killed_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "killed by fault injection",
    )
}

impl AsyncRead for KillableStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.killed.load(Ordering::SeqCst) {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut this.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.killed.load(Ordering::SeqCst) {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut this.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.killed.load(Ordering::SeqCst) {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut this.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.killed.load(Ordering::SeqCst) {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut this.stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// An error answer, as Telegram words it.
#[derive(Debug)]
struct ApiFailure {
    code: u16,
    description: String,
    parameters: Option<Value>,
    /// Whether a well-behaved bot would never cause it (recorded in violations()).
    violation: bool,
}

impl ApiFailure {
    /// A 400 that a correct bot never provokes.
    fn bad_request(reason: &str) -> ApiFailure {
        ApiFailure {
            code: 400,
            description: format!("Bad Request: {reason}"),
            parameters: None,
            violation: true,
        }
    }

    fn not_found() -> ApiFailure {
        ApiFailure {
            code: 404,
            description: "Not Found".to_string(),
            parameters: None,
            violation: true,
        }
    }
}

fn error_body(code: u16, description: &str, parameters: Option<Value>) -> Value {
    let mut body = json!({"ok": false, "error_code": code, "description": description});
    if let Some(parameters) = parameters {
        body["parameters"] = parameters;
    }
    body
}

fn json_response(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

const NGINX_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n";

fn fault_response(fault: &Fault, kill: &ConnectionKill) -> Response {
    match fault {
        Fault::TooManyRequests { retry_after } => json_response(
            429,
            error_body(
                429,
                &format!("Too Many Requests: retry after {retry_after}"),
                Some(json!({"retry_after": retry_after})),
            ),
        ),
        Fault::BadGatewayHtml => (
            StatusCode::BAD_GATEWAY,
            [(header::CONTENT_TYPE, "text/html")],
            NGINX_502,
        )
            .into_response(),
        Fault::DropConnection => {
            // The response below is never written: the killed stream fails the write and
            // hyper closes the socket.
            kill.0.store(true, Ordering::SeqCst);
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Fault::Api { code, description } => {
            json_response(*code, error_body(*code, description, None))
        }
    }
}

/// The single handler: every path goes through here so nothing answers with axum's defaults.
async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    ConnectInfo(kill): ConnectInfo<ConnectionKill>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let segments: Vec<&str> = uri.path().split('/').filter(|s| !s.is_empty()).collect();
    let (token, raw_method) = match segments.as_slice() {
        [.., token, method] if token.starts_with("bot") => (&token[3..], *method),
        _ => {
            let failure = ApiFailure::not_found();
            record_rejected(&shared, uri.path(), &Value::Null, &failure);
            return json_response(404, error_body(404, &failure.description, None));
        }
    };
    let method = spec()
        .method_name(raw_method)
        .unwrap_or(raw_method)
        .to_string();
    let request = match read_body(&method, &headers, body).await {
        Ok(request) => request,
        Err(failure) => {
            record_rejected(&shared, &method, &Value::Null, &failure);
            return json_response(
                failure.code,
                error_body(failure.code, &failure.description, None),
            );
        }
    };
    let params = &request.params;
    let params_value = Value::Object(params.clone());
    let call_index = shared.update(|state| {
        state.calls.push(Call {
            method: method.clone(),
            params: params_value.clone(),
            at: SystemTime::now(),
            outcome: CallOutcome::Pending,
        });
        state.calls.len() - 1
    });

    if let Some(fault) = take_fault(&shared, &method) {
        set_outcome(&shared, call_index, CallOutcome::Fault(fault.clone()));
        return fault_response(&fault, &kill);
    }

    let result = if token != TOKEN {
        Err(ApiFailure {
            code: 401,
            description: "Unauthorized".to_string(),
            parameters: None,
            violation: true,
        })
    } else if spec().method_name(&method).is_none() {
        Err(ApiFailure::not_found())
    } else if method == "getUpdates" {
        // The check runs in its own statement so the lock is released before the long wait.
        let checked = check_request(&shared.lock(), &method, &request);
        match checked {
            Ok(()) => get_updates(&shared, params).await,
            Err(failure) => Err(failure),
        }
    } else {
        let result = shared.update(|state| {
            check_request(state, &method, &request)?;
            apply(state, &method, &request)
        });
        if method == "setWebhook" && result.is_ok() {
            webhook::ensure_driver(&shared);
        }
        result
    };

    match result {
        Ok(value) => {
            set_outcome(&shared, call_index, CallOutcome::Ok);
            json_response(200, json!({"ok": true, "result": value}))
        }
        Err(failure) => {
            shared.update(|state| {
                if failure.violation {
                    state.record_violation(&method, &params_value, &failure.description);
                }
                state.calls[call_index].outcome = CallOutcome::Error(failure.description.clone());
            });
            json_response(
                failure.code,
                error_body(failure.code, &failure.description, failure.parameters),
            )
        }
    }
}

/// Records a request rejected before it could be recorded as a normal call.
fn record_rejected(shared: &Shared, method: &str, params: &Value, failure: &ApiFailure) {
    shared.update(|state| {
        state.calls.push(Call {
            method: method.to_string(),
            params: params.clone(),
            at: SystemTime::now(),
            outcome: CallOutcome::Error(failure.description.clone()),
        });
        state.record_violation(method, params, &failure.description);
    });
}

fn set_outcome(shared: &Shared, index: usize, outcome: CallOutcome) {
    shared.update(|state| state.calls[index].outcome = outcome);
}

/// Reads the whole body (up to Telegram's 50 MB upload limit) and parses it.
async fn read_body(
    method: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<RequestBody, ApiFailure> {
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiFailure {
            code: 413,
            description: "Request Entity Too Large".to_string(),
            parameters: None,
            violation: true,
        })?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    body::parse(method, content_type, &bytes)
}

fn take_fault(shared: &Shared, method: &str) -> Option<Fault> {
    let lower = method.to_lowercase();
    shared.update(|state| {
        let injected = state
            .faults
            .iter_mut()
            .find(|f| f.remaining > 0 && f.method.as_ref().is_none_or(|m| *m == lower))?;
        injected.remaining -= 1;
        let fault = injected.fault.clone();
        state.faults.retain(|f| f.remaining > 0);
        Some(fault)
    })
}

/// Spec and content checks shared by all methods, before anything is applied.
fn check_request(state: &State, method: &str, request: &RequestBody) -> Result<(), ApiFailure> {
    let params = &request.params;
    // A migrated group answers every request naming it with the new id, as Telegram does.
    if let Some(chat_id) = params.get("chat_id").and_then(Value::as_i64) {
        if let Some(new_id) = state.migrated.get(&chat_id) {
            return Err(ApiFailure {
                code: 400,
                description: "Bad Request: group chat was upgraded to a supergroup chat"
                    .to_string(),
                parameters: Some(json!({"migrate_to_chat_id": new_id})),
                violation: false,
            });
        }
    }
    if method == "getUpdates" && state.webhook.is_some() {
        return Err(ApiFailure {
            code: 409,
            description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first".to_string(),
            parameters: None,
            violation: true,
        });
    }
    if method == "sendMessage" && !params.contains_key("text") {
        return Err(ApiFailure::bad_request("message text is empty"));
    }
    spec()
        .check_params(method, params)
        .map_err(|reason| ApiFailure::bad_request(&reason))?;
    if matches!(method, "sendMessage" | "editMessageText") {
        let formatted = formatted_text(params, "text", "entities")?;
        check_length(&formatted, TEXT_LIMIT)?;
    }
    if params.contains_key("caption") {
        check_caption(params)?;
    }
    // Each album item has its own caption.
    let items = params.get("media").and_then(Value::as_array);
    for item in items.into_iter().flatten().filter_map(Value::as_object) {
        check_caption(item)?;
    }
    if method == "answerCallbackQuery" {
        let text = params.get("text").and_then(Value::as_str).unwrap_or("");
        if text.chars().count() > 200 {
            return Err(ApiFailure::bad_request("MESSAGE_TOO_LONG"));
        }
    }
    if let Some(markup) = params.get("reply_markup") {
        check_inline_keyboard(markup)?;
        markup::check_reply_keyboard(markup, params.get("chat_id"))?;
    }
    media::check_attachments(params, &request.uploads)?;
    if method == "setMyCommands" {
        check_commands(params)?;
    }
    if matches!(
        method,
        "setMyCommands" | "deleteMyCommands" | "getMyCommands"
    ) {
        check_command_scope(params)?;
    }
    Ok(())
}

/// Telegram measures text in UTF-16 code units of the text after entity parsing: an emoji
/// outside the BMP counts twice, HTML markup not at all.
fn check_length(formatted: &FormattedText, limit: usize) -> Result<(), ApiFailure> {
    if formatted.text.trim().is_empty() {
        return Err(ApiFailure::bad_request("message text is empty"));
    }
    if utf16_len(&formatted.text) > limit {
        return Err(ApiFailure::bad_request("message is too long"));
    }
    Ok(())
}

/// A caption (of a message or of one album item): 0-1024 UTF-16 code units after parsing.
fn check_caption(params: &Map<String, Value>) -> Result<FormattedText, ApiFailure> {
    let formatted = formatted_text(params, "caption", "caption_entities")?;
    if utf16_len(&formatted.text) > CAPTION_LIMIT {
        return Err(ApiFailure::bad_request("message caption is too long"));
    }
    Ok(formatted)
}

/// The text a person sees and its entities, per parse_mode (or the explicit entities).
fn formatted_text(
    params: &Map<String, Value>,
    text_key: &str,
    entities_key: &str,
) -> Result<FormattedText, ApiFailure> {
    let text = params.get(text_key).and_then(Value::as_str).unwrap_or("");
    match params.get("parse_mode").and_then(Value::as_str) {
        Some(mode) if mode.eq_ignore_ascii_case("html") => parse_html(text)
            .map_err(|reason| ApiFailure::bad_request(&format!("can't parse entities: {reason}"))),
        // Markdown is taken literally: gridwhistle sends HTML, so a Markdown parser here would
        // only hide that something sent Markdown.
        Some(mode) if mode == "MarkdownV2" || mode == "Markdown" => Ok(FormattedText {
            text: text.to_string(),
            entities: Vec::new(),
        }),
        Some(mode) if !mode.is_empty() => Err(ApiFailure::bad_request(&format!(
            "unsupported parse_mode \"{mode}\""
        ))),
        _ => {
            let entities = params
                .get(entities_key)
                .and_then(Value::as_array)
                .map(|list| list.iter().filter_map(Entity::from_json).collect())
                .unwrap_or_default();
            Ok(FormattedText {
                text: text.to_string(),
                entities,
            })
        }
    }
}

fn check_inline_keyboard(markup: &Value) -> Result<(), ApiFailure> {
    let Some(rows) = markup.get("inline_keyboard").and_then(Value::as_array) else {
        return Ok(());
    };
    for button in rows.iter().filter_map(Value::as_array).flatten() {
        if let Some(data) = button.get("callback_data").and_then(Value::as_str) {
            if data.is_empty() || data.len() > 64 {
                return Err(ApiFailure::bad_request("BUTTON_DATA_INVALID"));
            }
        }
        let actions = button
            .as_object()
            .map(|b| b.keys().filter(|k| *k != "text").count())
            .unwrap_or(0);
        if actions == 0 {
            return Err(ApiFailure::bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
            ));
        }
        if button
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty()
        {
            return Err(ApiFailure::bad_request("BUTTON_TEXT_INVALID"));
        }
    }
    Ok(())
}

fn check_commands(params: &Map<String, Value>) -> Result<(), ApiFailure> {
    let commands = params.get("commands").and_then(Value::as_array);
    for command in commands.into_iter().flatten() {
        let name = command["command"].as_str().unwrap_or("");
        let valid_name = (1..=32).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_name {
            return Err(ApiFailure::bad_request("BOT_COMMAND_INVALID"));
        }
        let description = command["description"].as_str().unwrap_or("");
        if !(1..=256).contains(&description.chars().count()) {
            return Err(ApiFailure::bad_request("BOT_COMMAND_DESCRIPTION_INVALID"));
        }
    }
    Ok(())
}

/// A command menu's scope and language, as Telegram checks them beyond the spec's shape: a
/// language is two lowercase letters (or none), and only the `chat` scope may name a private
/// chat.
fn check_command_scope(params: &Map<String, Value>) -> Result<(), ApiFailure> {
    let language = params
        .get("language_code")
        .and_then(Value::as_str)
        .unwrap_or("");
    let two_letters = language.len() == 2 && language.bytes().all(|b| b.is_ascii_lowercase());
    if !language.is_empty() && !two_letters {
        return Err(ApiFailure::bad_request("invalid language code specified"));
    }
    let Some(scope) = params.get("scope") else {
        return Ok(());
    };
    let kind = scope.get("type").and_then(Value::as_str).unwrap_or("");
    let private = scope
        .get("chat_id")
        .and_then(Value::as_i64)
        .is_some_and(|id| id > 0);
    if matches!(kind, "chat_administrators" | "chat_member") && private {
        return Err(ApiFailure::bad_request(
            "can't use specified scope in private chats",
        ));
    }
    Ok(())
}

/// Runs a validated request against the state.
fn apply(state: &mut State, method: &str, request: &RequestBody) -> Result<Value, ApiFailure> {
    let params = &request.params;
    match method {
        "getMe" => Ok(json!({
            "id": BOT_ID,
            "is_bot": true,
            "first_name": BOT_FIRST_NAME,
            "username": BOT_USERNAME,
            "can_join_groups": true,
            "can_read_all_group_messages": false,
            "supports_inline_queries": false,
            "can_connect_to_business": false,
            "has_main_web_app": false,
        })),
        "sendMessage" => send_message(state, params),
        "sendPhoto" => media::send_photo(state, request),
        "sendMediaGroup" => media::send_media_group(state, request),
        "copyMessage" => media::copy_message(state, params),
        "editMessageText" => edit_message(state, params, Edit::Text),
        "editMessageCaption" => edit_message(state, params, Edit::Caption),
        "editMessageReplyMarkup" => edit_message(state, params, Edit::Markup),
        "setWebhook" => webhook::set_webhook(state, request),
        "deleteWebhook" => webhook::delete_webhook(state, params),
        "getWebhookInfo" => Ok(webhook::webhook_info(state)),
        "deleteMessage" => delete_message(state, params),
        "answerCallbackQuery" => answer_callback_query(state, params),
        "getChat" => get_chat(state, params),
        "getChatMember" => {
            let user_id = params.get("user_id").and_then(Value::as_i64).unwrap_or(0);
            Ok(json!({"status": "member", "user": state.user_json(user_id)}))
        }
        "setMyCommands" => {
            let key = commands_key(params);
            let commands = params.get("commands").cloned().unwrap_or(json!([]));
            state.commands.insert(key, commands);
            Ok(json!(true))
        }
        "deleteMyCommands" => {
            state.commands.remove(&commands_key(params));
            Ok(json!(true))
        }
        "getMyCommands" => Ok(state
            .commands
            .get(&commands_key(params))
            .cloned()
            .unwrap_or(json!([]))),
        _ if spec().returns_boolean(method) => Ok(json!(true)),
        _ => Err(ApiFailure::bad_request(&format!(
            "method {method} is not implemented by the Bot API stand-in"
        ))),
    }
}

fn commands_key(params: &Map<String, Value>) -> (String, String) {
    let scope = params
        .get("scope")
        .cloned()
        .unwrap_or(json!({"type": "default"}));
    let language = params
        .get("language_code")
        .and_then(Value::as_str)
        .unwrap_or("");
    (scope.to_string(), language.to_string())
}

/// The numeric chat id; the stand-in knows no channels by @username.
fn chat_id(params: &Map<String, Value>) -> Result<i64, ApiFailure> {
    params
        .get("chat_id")
        .and_then(Value::as_i64)
        .ok_or_else(|| ApiFailure::bad_request("chat not found"))
}

fn keyboard_rows(markup: Option<&Value>) -> Vec<Vec<(String, String)>> {
    let Some(rows) = markup
        .and_then(|m| m.get("inline_keyboard"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    rows.iter()
        .filter_map(Value::as_array)
        .map(|row| {
            row.iter()
                .map(|button| {
                    let label = button["text"].as_str().unwrap_or("").to_string();
                    let data = button["callback_data"].as_str().unwrap_or("").to_string();
                    (label, data)
                })
                .collect()
        })
        .collect()
}

/// Only an inline keyboard is echoed back in a Message; reply keyboards are not.
fn inline_markup(params: &Map<String, Value>) -> Option<Value> {
    params
        .get("reply_markup")
        .filter(|m| m.get("inline_keyboard").is_some())
        .cloned()
}

fn entities_json(state: &State, formatted: &FormattedText) -> Value {
    let list: Vec<Value> = formatted
        .entities
        .iter()
        .map(|entity| {
            entity.to_json(|user_id| {
                let mut user = state.user_json(user_id);
                // An unknown user gets the link text as name rather than a bare number.
                if !state.users.contains_key(&user_id) && user_id != BOT_ID {
                    user["first_name"] = json!(formatted.entity_text(entity));
                }
                user
            })
        })
        .collect();
    Value::Array(list)
}

/// What every new bot message has besides its content: the chat, the message it replies to,
/// its inline keyboard and what it does to the chat's reply keyboard.
struct Envelope {
    chat_id: i64,
    reply_json: Option<Value>,
    reply_to: Option<i32>,
    inline_markup: Option<Value>,
    reply_keyboard: Option<ReplyKeyboardChange>,
}

impl Envelope {
    fn from_params(state: &State, params: &Map<String, Value>) -> Result<Envelope, ApiFailure> {
        let chat_id = chat_id(params)?;
        let reply_target = params
            .get("reply_parameters")
            .and_then(|r| r.get("message_id"))
            .or_else(|| params.get("reply_to_message_id"))
            .and_then(Value::as_i64)
            .map(|id| id as i32);
        let allow_without_reply = params
            .get("reply_parameters")
            .and_then(|r| r.get("allow_sending_without_reply"))
            .or_else(|| params.get("allow_sending_without_reply"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let reply_json = reply_target.and_then(|id| state.embedded_message(chat_id, id));
        if reply_target.is_some() && reply_json.is_none() && !allow_without_reply {
            return Err(ApiFailure::bad_request("message to be replied not found"));
        }
        let reply_to = reply_json.as_ref().and(reply_target);
        Ok(Envelope {
            chat_id,
            reply_json,
            reply_to,
            inline_markup: inline_markup(params),
            reply_keyboard: params
                .get("reply_markup")
                .and_then(markup::reply_keyboard_change),
        })
    }
}

/// The content of a new bot message.
struct Content {
    /// The text or caption parameter as sent.
    html: String,
    /// The text or caption as parsed.
    formatted: FormattedText,
    /// The Message fields of the content: text and entities, or photo, caption, ...
    fields: Map<String, Value>,
    photo: Option<SentPhoto>,
    media_group_id: Option<String>,
    copied_from: Option<(i64, i32)>,
}

impl Content {
    fn new(html: &str, formatted: FormattedText) -> Content {
        Content {
            html: html.to_string(),
            formatted,
            fields: Map::new(),
            photo: None,
            media_group_id: None,
            copied_from: None,
        }
    }
}

/// Posts a message of the bot: allocates its id, stores it, records it in the timeline and
/// applies its reply keyboard. Returns the Message JSON.
fn post_message(state: &mut State, envelope: &Envelope, content: Content) -> Value {
    let chat_id = envelope.chat_id;
    let message_id = state.allocate_message_id(chat_id);
    let mut json = json!({
        "message_id": message_id,
        "from": bot_user_json(),
        "chat": state.chat_json(chat_id),
        "date": unix_now(),
    });
    let content_json = Value::Object(content.fields.clone());
    for (key, value) in content.fields {
        json[key] = value;
    }
    if let Some(markup) = &envelope.inline_markup {
        json["reply_markup"] = markup.clone();
    }
    if let Some(reply) = &envelope.reply_json {
        json["reply_to_message"] = reply.clone();
    }
    let sent = SentMessage {
        chat_id,
        message_id,
        html: content.html,
        text: content.formatted.text.clone(),
        entities: content.formatted.entities.clone(),
        mentioned_user_ids: content.formatted.mentioned_user_ids(),
        keyboard: keyboard_rows(envelope.inline_markup.as_ref()),
        reply_to: envelope.reply_to,
        edit_count: 0,
        photo: content.photo,
        media_group_id: content.media_group_id,
        reply_keyboard: envelope.reply_keyboard.clone(),
        copied_from: content.copied_from,
        content: content_json,
    };
    state.timeline.push(TimelineEntry::BotSent {
        message: sent.clone(),
    });
    let chat = state.chats.entry(chat_id).or_default();
    match &envelope.reply_keyboard {
        Some(ReplyKeyboardChange::Show(keyboard)) => chat.reply_keyboard = Some(keyboard.clone()),
        Some(ReplyKeyboardChange::Remove { .. }) => chat.reply_keyboard = None,
        _ => {}
    }
    chat.messages.insert(
        message_id,
        StoredMessage {
            json: json.clone(),
            sent: Some(sent),
            formatted: Some(content.formatted),
            reply_markup: envelope.inline_markup.clone(),
        },
    );
    json
}

/// The content fields of a Message JSON (what a person sees of it, not who sent it).
fn content_of(json: &Map<String, Value>) -> Value {
    Value::Object(
        media::CONTENT_FIELDS
            .iter()
            .filter_map(|key| Some((key.to_string(), json.get(*key)?.clone())))
            .collect(),
    )
}

/// Sets (or, when empty, removes) `key` and its entities on a Message JSON.
fn set_formatted(
    state: &State,
    json: &mut Map<String, Value>,
    key: &str,
    entities_key: &str,
    formatted: &FormattedText,
) {
    if formatted.text.is_empty() && key == "caption" {
        json.remove(key);
    } else {
        json.insert(key.to_string(), json!(formatted.text));
    }
    match entities_json(state, formatted) {
        Value::Array(list) if !list.is_empty() => {
            json.insert(entities_key.to_string(), Value::Array(list));
        }
        _ => {
            json.remove(entities_key);
        }
    }
}

fn send_message(state: &mut State, params: &Map<String, Value>) -> Result<Value, ApiFailure> {
    let envelope = Envelope::from_params(state, params)?;
    let formatted = formatted_text(params, "text", "entities")?;
    let html = params.get("text").and_then(Value::as_str).unwrap_or("");
    let mut content = Content::new(html, formatted);
    set_formatted(
        state,
        &mut content.fields,
        "text",
        "entities",
        &content.formatted,
    );
    Ok(post_message(state, &envelope, content))
}

/// What an edit method changes.
#[derive(Clone, Copy, PartialEq)]
enum Edit {
    Text,
    Caption,
    Markup,
}

/// Whether a Message JSON carries media that can have a caption.
fn has_media(json: &Value) -> bool {
    ["photo", "video", "document", "audio", "animation", "voice"]
        .iter()
        .any(|key| json.get(key).is_some())
}

fn edit_message(
    state: &mut State,
    params: &Map<String, Value>,
    edit: Edit,
) -> Result<Value, ApiFailure> {
    if params.contains_key("inline_message_id") {
        // Inline messages are not modelled; Telegram answers True for them.
        return Ok(json!(true));
    }
    let (Some(chat_id), Some(message_id)) = (
        params.get("chat_id").and_then(Value::as_i64),
        params.get("message_id").and_then(Value::as_i64),
    ) else {
        return Err(ApiFailure::bad_request(
            "message identifier is not specified",
        ));
    };
    let message_id = message_id as i32;
    let new_formatted = match edit {
        Edit::Text => Some(formatted_text(params, "text", "entities")?),
        Edit::Caption => Some(formatted_text(params, "caption", "caption_entities")?),
        Edit::Markup => None,
    };
    let new_markup = inline_markup(params);
    let Some(stored) = state.message(chat_id, message_id) else {
        return Err(ApiFailure::bad_request("message to edit not found"));
    };
    let (Some(_), Some(old_formatted)) = (stored.sent.as_ref(), stored.formatted.as_ref()) else {
        return Err(ApiFailure::bad_request("message can't be edited"));
    };
    if edit == Edit::Text && stored.json.get("text").is_none() {
        return Err(ApiFailure::bad_request(
            "there is no text in the message to edit",
        ));
    }
    if edit == Edit::Caption && !has_media(&stored.json) {
        return Err(ApiFailure::bad_request(
            "there is no caption in the message to edit",
        ));
    }
    let formatted = new_formatted.unwrap_or_else(|| old_formatted.clone());
    let same_markup = keyboard_rows(new_markup.as_ref())
        == keyboard_rows(stored.reply_markup.as_ref())
        && new_markup.is_some() == stored.reply_markup.is_some();
    let same_placement = params.get("show_caption_above_media").is_none_or(|above| {
        stored
            .json
            .get("show_caption_above_media")
            .unwrap_or(&json!(false))
            == above
    });
    if formatted == *old_formatted && same_markup && same_placement {
        state.not_modified_count += 1;
        return Err(ApiFailure {
            code: 400,
            description: "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message".to_string(),
            parameters: None,
            violation: false,
        });
    }
    let mut json = stored.json.as_object().cloned().unwrap_or_default();
    match edit {
        Edit::Text => set_formatted(state, &mut json, "text", "entities", &formatted),
        Edit::Caption => {
            set_formatted(state, &mut json, "caption", "caption_entities", &formatted);
            match params.get("show_caption_above_media") {
                Some(Value::Bool(true)) => {
                    json.insert("show_caption_above_media".to_string(), json!(true));
                }
                Some(_) => {
                    json.remove("show_caption_above_media");
                }
                None => {}
            }
        }
        Edit::Markup => {}
    }
    match &new_markup {
        Some(markup) => {
            json.insert("reply_markup".to_string(), markup.clone());
        }
        None => {
            json.remove("reply_markup");
        }
    }
    json.insert("edit_date".to_string(), json!(unix_now()));
    let html_key = if edit == Edit::Text {
        "text"
    } else {
        "caption"
    };
    let Some(stored) = state
        .chats
        .get_mut(&chat_id)
        .and_then(|chat| chat.messages.get_mut(&message_id))
    else {
        return Err(ApiFailure::bad_request("message to edit not found"));
    };
    let Some(sent) = stored.sent.as_mut() else {
        return Err(ApiFailure::bad_request("message can't be edited"));
    };
    if edit != Edit::Markup {
        sent.html = params
            .get(html_key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
    }
    sent.text = formatted.text.clone();
    sent.entities = formatted.entities.clone();
    sent.mentioned_user_ids = formatted.mentioned_user_ids();
    sent.keyboard = keyboard_rows(new_markup.as_ref());
    sent.edit_count += 1;
    sent.content = content_of(&json);
    let snapshot = sent.clone();
    stored.json = Value::Object(json);
    stored.formatted = Some(formatted);
    stored.reply_markup = new_markup;
    let json = stored.json.clone();
    state
        .timeline
        .push(TimelineEntry::BotEdited { message: snapshot });
    Ok(json)
}

fn delete_message(state: &mut State, params: &Map<String, Value>) -> Result<Value, ApiFailure> {
    let chat_id = chat_id(params)?;
    let message_id = params
        .get("message_id")
        .and_then(Value::as_i64)
        .unwrap_or(0) as i32;
    let removed = state
        .chats
        .get_mut(&chat_id)
        .and_then(|chat| chat.messages.remove(&message_id));
    if removed.is_none() {
        return Err(ApiFailure::bad_request("message to delete not found"));
    }
    state.timeline.push(TimelineEntry::BotDeleted {
        chat_id,
        message_id,
    });
    Ok(json!(true))
}

fn answer_callback_query(
    state: &mut State,
    params: &Map<String, Value>,
) -> Result<Value, ApiFailure> {
    let query_id = params
        .get("callback_query_id")
        .and_then(Value::as_str)
        .unwrap_or("");
    // Telegram accepts one answer per query; a second one is "too old".
    let Some(chat_id) = state.open_callback_queries.remove(query_id) else {
        return Err(ApiFailure::bad_request(
            "query is too old and response timeout expired or query id is invalid",
        ));
    };
    let text = params
        .get("text")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    let show_alert = params
        .get("show_alert")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    state
        .toasts
        .push((query_id.to_string(), text.clone(), show_alert));
    if let Some(text) = text {
        state.timeline.push(TimelineEntry::Toast {
            chat_id: (chat_id != 0).then_some(chat_id),
            text,
            show_alert,
        });
    }
    Ok(json!(true))
}

fn get_chat(state: &State, params: &Map<String, Value>) -> Result<Value, ApiFailure> {
    let chat_id = chat_id(params)?;
    let mut chat = state.chat_json(chat_id);
    chat["accent_color_id"] = json!(0);
    chat["max_reaction_count"] = json!(11);
    chat["accepted_gift_types"] = json!({
        "unlimited_gifts": false,
        "limited_gifts": false,
        "unique_gifts": false,
        "premium_subscription": false,
    });
    Ok(chat)
}

/// getUpdates: confirms by offset, then holds the request until an update is queued, the
/// timeout passes, a newer getUpdates supersedes it, or the stand-in shuts down.
async fn get_updates(shared: &Shared, params: &Map<String, Value>) -> Result<Value, ApiFailure> {
    let offset = params.get("offset").and_then(Value::as_i64);
    let limit = params
        .get("limit")
        .and_then(Value::as_i64)
        .unwrap_or(100)
        .clamp(1, 100) as usize;
    let timeout = params
        .get("timeout")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(3600);
    let allowed: Option<Vec<String>> =
        params
            .get("allowed_updates")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            });
    let generation = shared.update(|state| {
        state.poll_generation += 1;
        if let Some(allowed) = allowed {
            state.allowed_updates = (!allowed.is_empty()).then_some(allowed);
        }
        if let Some(offset) = offset {
            state.offsets_seen.push(offset);
            if offset > 0 {
                state
                    .queue
                    .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
                state.confirmed_offset = state.confirmed_offset.max(offset);
            } else if offset < 0 {
                // Negative: keep only the last -offset updates, forgetting the rest.
                let keep = offset.unsigned_abs() as usize;
                while state.queue.len() > keep {
                    state.queue.pop_front();
                }
            }
        }
        state.poll_generation
    });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    loop {
        let changed = shared.changed.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        {
            let mut state = shared.lock();
            if state.poll_generation != generation {
                let description = if state.webhook.is_some() {
                    "Conflict: terminated by setWebhook request"
                } else {
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
                };
                return Err(ApiFailure {
                    code: 409,
                    description: description.to_string(),
                    parameters: None,
                    violation: false,
                });
            }
            if state.shut_down {
                return Ok(json!([]));
            }
            drop_unwanted_updates(&mut state);
            if !state.queue.is_empty() {
                let batch: Vec<Value> = state.queue.iter().take(limit).cloned().collect();
                return Ok(Value::Array(batch));
            }
        }
        if tokio::time::timeout_at(deadline, changed).await.is_err() {
            return Ok(json!([]));
        }
    }
}

/// Removes queued updates of kinds the bot did not ask for (Telegram never delivers them).
fn drop_unwanted_updates(state: &mut State) {
    // Telegram's default leaves these out unless asked for explicitly.
    const OPT_IN: &[&str] = &["chat_member", "message_reaction", "message_reaction_count"];
    let allowed = state.allowed_updates.clone();
    state.queue.retain(|update| {
        let kind = update
            .as_object()
            .and_then(|o| o.keys().find(|k| *k != "update_id").cloned())
            .unwrap_or_default();
        match &allowed {
            Some(list) => list.contains(&kind),
            None => !OPT_IN.contains(&kind.as_str()),
        }
    });
}
