"""Settings from the environment and `.env` (names as in `.env.example`)."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it."""


SMTP_TLS_MODES = ("starttls", "tls", "none")  # how the mail server is reached (SMTP_TLS)


class Settings(BaseSettings):
    """Every setting the bot reads. See `.env.example` for what each one does."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    business_file: str = Field(default="", description="path to the business TOML; empty = bundled demo")
    database_url: str = "sqlite+aiosqlite:///booking-bot.db"
    booking_backend: str = "local"
    default_language: str = "en"
    log_level: str = "INFO"

    # --- channels (empty = off); see .env.example ---
    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = ""
    telegram_webhook_url: str = ""
    telegram_webhook_secret: SecretStr | None = None
    twilio_account_sid: str = ""
    twilio_auth_token: SecretStr | None = None
    twilio_whatsapp_from: str = ""
    twilio_api_base: str = ""
    twilio_webhook_signing_keys: SecretStr | None = None  # "KEY_ID=secret,..." (Twilio SharedKeys)
    twilio_templates: str = ""  # "reminder=HX...,follow_up=HX..."
    public_base_url: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    rate_limit_messages: int = Field(default=20, ge=1)
    rate_limit_seconds: int = Field(default=60, ge=1)
    max_backlog: int = Field(default=5000, ge=0)

    # --- reminders and follow-ups; see .env.example ---
    reminder_offsets: str = "24h,2h"
    quiet_hours: str = "21:00-08:00"
    follow_up_after: str = "2h"
    nudge_after: str = "1h"
    reminder_grace: str = "1h"
    reminder_poll_seconds: float = Field(default=5.0, gt=0, le=3600)
    reminder_max_attempts: int = Field(default=5, ge=1, le=50)
    reminder_lease: str = "2m"

    # --- Cal.com / Cal.diy (BOOKING_BACKEND=calcom); see .env.example ---
    calcom_api_key: SecretStr | None = None
    calcom_api_base: str = "https://api.cal.com"
    calcom_event_types: str = ""  # "Haircut=101,Coloring=102"
    calcom_staff: str = ""  # "Sarah=sarah,Tom=tom"; empty: matched to the event types' hosts by name
    calcom_webhook_secret: SecretStr | None = None
    reconcile_every: str = "5m"  # how often bookings changed elsewhere are checked (backends without a change log)

    # --- Relentify, Slatis, Empfio; see .env.example ---
    relentify_api_base: str = ""
    relentify_api_key: SecretStr | None = None
    relentify_links: str = ""  # "Haircut=link_haircut,Coloring=link_coloring"
    relentify_staff: str = ""  # "Sarah=staff_sarah,Tom=staff_tom"
    relentify_questions: str = ""  # "Haircut=first_visit,Coloring=allergies": the links' qualification questions
    slatis_api_base: str = ""  # including /v1
    slatis_api_key: SecretStr | None = None
    slatis_event_types: str = ""  # "Haircut=evt_haircut,Coloring=evt_coloring"
    slatis_members: str = ""  # "Sarah=mem_sarah,Tom=mem_tom"
    empfio_api_base: str = ""
    empfio_api_token: SecretStr | None = None
    booking_link_url: str = ""  # where new bookings are made when the booking system takes none from the bot

    # --- language understanding; see .env.example ---
    intent_extractor: str = "rules"  # rules | llm | hybrid
    openai_api_key: SecretStr | None = None
    openai_base_url: str = ""  # any OpenAI-compatible server; empty: api.openai.com
    openai_model: str = ""
    llm_timeout: float = Field(default=8.0, gt=0, le=120)  # seconds the model may take for one turn

    # --- email confirmations (SMTP; empty SMTP_HOST = off); see .env.example ---
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: SecretStr | None = None
    smtp_from: str = ""  # "Demo Salon <salon@example.com>"
    smtp_tls: str = "starttls"  # starttls | tls | none

    # --- notifications to the business (empty = off); see .env.example ---
    operator_telegram_chat_id: int | None = None  # a chat or group id; sent through the same bot
    operator_email: str = ""

    @field_validator("operator_telegram_chat_id", mode="before")
    @classmethod
    def _chat_id(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if value and not re.fullmatch(r"-?\d{1,20}", value):
                raise ValueError(f"{value!r} is not a Telegram chat id such as 123456789 or -1001234567890")
            return value or None
        return value

    @field_validator("operator_email")
    @classmethod
    def _operator_email(cls, value: str) -> str:
        return value.strip()

    @property
    def team_reachable(self) -> bool:
        """An operator channel is configured: a handoff reaches the business's team."""
        telegram = self.operator_telegram_chat_id is not None and self.telegram_enabled
        return telegram or bool(self.operator_email and self.smtp_host)

    @field_validator(
        "telegram_bot_token", "telegram_webhook_secret", "twilio_auth_token", "twilio_webhook_signing_keys",
        "calcom_api_key", "calcom_webhook_secret", "relentify_api_key", "slatis_api_key", "empfio_api_token",
        "openai_api_key", "smtp_password", mode="before",
    )
    @classmethod
    def _blank_secret_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("smtp_host", "smtp_user", "smtp_from")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("smtp_tls")
    @classmethod
    def _smtp_tls(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in SMTP_TLS_MODES:
            raise ValueError(f"{value!r} is not one of {', '.join(SMTP_TLS_MODES)}")
        return value

    @field_validator("reminder_offsets")
    @classmethod
    def _offsets(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            _duration(part)
        return value

    @field_validator("follow_up_after", "nudge_after", "reminder_grace", "reminder_lease")
    @classmethod
    def _one_duration(cls, value: str) -> str:
        if value.strip() not in ("", "0", "off"):
            _duration(value)
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str) -> str:
        if value.strip() and not _QUIET.fullmatch(value.strip()):
            raise ValueError(f"{value!r} is not a span like 21:00-08:00 (or empty for none)")
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _telegram_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TELEGRAM_TOKEN.fullmatch(value.get_secret_value().strip()):
            raise ValueError("must look like 123456789:AA... (the token BotFather gave you)")
        return SecretStr(value.get_secret_value().strip()) if value is not None else None

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("telegram_api_base", "telegram_webhook_url", "twilio_api_base", "public_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if value:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @field_validator("twilio_account_sid")
    @classmethod
    def _account_sid(cls, value: str) -> str:
        value = value.strip()
        if value and not re.fullmatch(r"AC[0-9a-fA-F]{32}", value):
            raise ValueError("must be AC followed by 32 hex digits (Twilio console, Account Info)")
        return value

    @field_validator("twilio_whatsapp_from")
    @classmethod
    def _whatsapp_from(cls, value: str) -> str:
        value = value.strip()
        if value and not re.fullmatch(r"whatsapp:\+[1-9]\d{6,14}", value):
            raise ValueError("must be whatsapp:+ and the sender's number, e.g. whatsapp:+14155238886")
        return value

    @field_validator("twilio_templates")
    @classmethod
    def _templates(cls, value: str) -> str:
        parse_pairs(value, "kind=HX...", value_pattern=r"HX[0-9a-fA-F]{32}")
        return value.strip()

    @field_validator("twilio_webhook_signing_keys")
    @classmethod
    def _signing_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_pairs(value.get_secret_value(), "KEY_ID=secret", secret=True)
        return value

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_bot_token is not None

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(self.twilio_account_sid)

    @property
    def templates(self) -> dict[str, str]:
        """WhatsApp content templates (content SIDs) per message kind."""
        return parse_pairs(self.twilio_templates, "kind=HX...")

    @property
    def signing_keys(self) -> dict[str, str]:
        """Twilio webhook SharedKey secrets by key id (for HMAC-SHA256 signed webhooks)."""
        raw = self.twilio_webhook_signing_keys
        return parse_pairs(raw.get_secret_value(), "KEY_ID=secret", secret=True) if raw else {}

    @field_validator("booking_backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in BACKENDS:
            raise ValueError(f"unknown backend {value!r}; available: {', '.join(BACKENDS)}")
        return value

    @field_validator("calcom_event_types")
    @classmethod
    def _event_types(cls, value: str) -> str:
        parse_pairs(value, "Service=123", value_pattern=r"\d{1,12}")
        return value.strip()

    @field_validator("calcom_staff")
    @classmethod
    def _calcom_staff(cls, value: str) -> str:
        parse_pairs(value, "Name=username")
        return value.strip()

    @field_validator("relentify_links", "relentify_staff", "slatis_event_types", "slatis_members")
    @classmethod
    def _id_pairs(cls, value: str) -> str:
        parse_pairs(value, "Name=id")
        return value.strip()

    @field_validator("relentify_questions")
    @classmethod
    def _question_pairs(cls, value: str) -> str:
        parse_pairs(value, "Service=question_key")
        return value.strip()

    @field_validator("calcom_api_base", "relentify_api_base", "slatis_api_base", "empfio_api_base", "booking_link_url",
                     "openai_base_url")
    @classmethod
    def _http_base(cls, value: str) -> str:
        if not value.strip():
            return ""
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{value!r} is not an http(s) URL such as https://api.example.com")
        return value

    @field_validator("intent_extractor")
    @classmethod
    def _known_extractor(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in EXTRACTORS:
            raise ValueError(f"unknown extractor {value!r}; available: {', '.join(EXTRACTORS)}")
        return value

    @field_validator("openai_model")
    @classmethod
    def _model_name(cls, value: str) -> str:
        return value.strip()

    @field_validator("reconcile_every")
    @classmethod
    def _reconcile(cls, value: str) -> str:
        _duration(value)
        return value.strip()

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"en", "de"}:
            raise ValueError("must be 'en' or 'de'")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_url(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("sqlite:///"):
            value = "sqlite+aiosqlite:///" + value[len("sqlite:///"):]
        elif value.startswith(("postgres://", "postgresql://")):
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value


_TELEGRAM_TOKEN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")


_QUIET = re.compile(r"([01]?\d|2[0-3]):[0-5]\d\s*-\s*([01]?\d|2[0-3]):[0-5]\d")


def _duration(text: str) -> timedelta:
    from .clock import parse_delta

    try:
        delta = parse_delta(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a duration like 24h, 90m or 1d2h") from None
    if delta <= timedelta(0):
        raise ValueError(f"{text!r} must be longer than zero")
    return delta


def durations(text: str) -> list[timedelta]:
    """'24h,2h' -> [24h, 2h] (already validated)."""
    return [_duration(p.strip()) for p in text.split(",") if p.strip()]


def optional_duration(text: str) -> timedelta | None:
    """'' / '0' / 'off' -> None (switched off), else the duration."""
    return None if text.strip() in ("", "0", "off") else _duration(text)


def parse_pairs(text: str, shape: str, *, value_pattern: str | None = None, secret: bool = False) -> dict[str, str]:
    """'a=1,b=2' -> {'a': '1', 'b': '2'}; ValueError naming the bad entry (never a secret)."""
    pairs: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, value = (p.strip() for p in item.partition("="))
        shown = name if secret else item
        if not sep or not name or not value:
            raise ValueError(f"{shown!r} is not {shape}; write {shape},{shape}")
        if value_pattern and not re.fullmatch(value_pattern, value):
            raise ValueError(f"{shown!r} is not {shape}")
        pairs[name] = value
    return pairs


BACKENDS = ("local", "calcom", "relentify", "slatis", "empfio")
# The secret each HTTP backend cannot start without, and where the operator finds it.
_BACKEND_KEYS = {
    "calcom": ("calcom_api_key", "Cal.com: Settings -> Developer -> API keys"),
    "relentify": ("relentify_api_key", "Relentify: an API key with the bookings:read and bookings:write scopes"),
    "slatis": ("slatis_api_key", "Slatis: your team's API key"),
    "empfio": ("empfio_api_token", "Empfio: an API token"),
}


def check_backend(settings: Settings) -> None:
    """The backend's own settings, when it needs some; raises SettingsError naming the missing one."""
    backend = settings.booking_backend
    key = _BACKEND_KEYS.get(backend)
    if key is not None and getattr(settings, key[0]) is None:
        raise SettingsError(f"setting {key[0].upper()}: needed with BOOKING_BACKEND={backend} ({key[1]})")
    if backend in ("relentify", "slatis", "empfio") and not getattr(settings, f"{backend}_api_base"):
        raise SettingsError(f"setting {backend.upper()}_API_BASE: needed with BOOKING_BACKEND={backend} "
                            "(the address of its API, from your account's API settings)")


EXTRACTORS = ("rules", "llm", "hybrid")


def check_reader(settings: Settings) -> None:
    """The language model's settings, when INTENT_EXTRACTOR asks for one; raises SettingsError naming the missing one."""
    mode = settings.intent_extractor
    if mode == "rules":
        return
    if not settings.openai_model:
        raise SettingsError(f"setting OPENAI_MODEL: needed with INTENT_EXTRACTOR={mode} "
                            "(e.g. gpt-4o-mini, or the name of a local model such as llama3.1:8b)")
    if settings.openai_api_key is None and not settings.openai_base_url:
        raise SettingsError(f"setting OPENAI_API_KEY: needed with INTENT_EXTRACTOR={mode} "
                            "(or OPENAI_BASE_URL for a local server such as Ollama that takes no key)")


def check_email(settings: Settings) -> None:
    """The SMTP settings, when any is set; raises SettingsError naming the one to fix."""
    s = settings
    if s.smtp_tls.strip().lower() not in SMTP_TLS_MODES:
        raise SettingsError(f"setting SMTP_TLS: {s.smtp_tls!r} is not one of {', '.join(SMTP_TLS_MODES)}")
    if not s.smtp_host.strip():
        if s.smtp_from or s.smtp_user or s.smtp_password is not None:
            raise SettingsError("setting SMTP_HOST: needed when SMTP_FROM, SMTP_USER or SMTP_PASSWORD is set "
                                "(the mail server that sends the confirmations)")
        return
    if not s.smtp_from.strip():
        raise SettingsError("setting SMTP_FROM: needed when SMTP_HOST is set (the address confirmations come from, "
                            "e.g. Demo Salon <salon@example.com>)")
    if not _mail_address(s.smtp_from):
        raise SettingsError(f"setting SMTP_FROM: {s.smtp_from!r} is not an address like "
                            "salon@example.com or Demo Salon <salon@example.com>")
    if bool(s.smtp_user.strip()) != (s.smtp_password is not None):
        missing = "SMTP_PASSWORD" if s.smtp_user.strip() else "SMTP_USER"
        raise SettingsError(f"setting {missing}: SMTP_USER and SMTP_PASSWORD are needed together (the mail login)")


def _mail_address(text: str) -> bool:
    from email.utils import parseaddr

    from email_validator import EmailNotValidError, validate_email

    address = parseaddr(text)[1]
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def check_channels(settings: Settings) -> None:
    """Settings that only make sense together; raises SettingsError naming the missing one."""
    def need(name: str, why: str) -> None:
        raise SettingsError(f"setting {name.upper()}: needed {why}")

    s = settings
    if s.telegram_webhook_url and not s.telegram_enabled:
        need("telegram_bot_token", "when TELEGRAM_WEBHOOK_URL is set")
    if s.telegram_webhook_url and s.telegram_webhook_secret is None:
        need("telegram_webhook_secret", "when TELEGRAM_WEBHOOK_URL is set (Telegram sends it with every update)")
    twilio = {"twilio_account_sid": s.twilio_account_sid, "twilio_auth_token": s.twilio_auth_token,
              "twilio_whatsapp_from": s.twilio_whatsapp_from, "public_base_url": s.public_base_url}
    if s.whatsapp_enabled or s.twilio_auth_token is not None or s.twilio_whatsapp_from:
        for name, value in twilio.items():
            if not value:
                need(name, "for WhatsApp (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_FROM, PUBLIC_BASE_URL)")


def check_operators(settings: Settings) -> None:
    """Where the business hears about its customers; raises SettingsError naming the setting to fix."""
    s = settings
    if s.operator_telegram_chat_id is not None and not s.telegram_enabled:
        raise SettingsError("setting TELEGRAM_BOT_TOKEN: needed when OPERATOR_TELEGRAM_CHAT_ID is set "
                            "(the notifications are sent through the bot)")
    if s.operator_email:
        if not s.smtp_host or not s.smtp_from:
            missing = "SMTP_HOST" if not s.smtp_host else "SMTP_FROM"
            raise SettingsError(f"setting {missing}: needed when OPERATOR_EMAIL is set (the notifications are emails)")
        if "@" not in s.operator_email or any(ch.isspace() for ch in s.operator_email):
            raise SettingsError(f"setting OPERATOR_EMAIL: {s.operator_email!r} is not an address like team@example.com")


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problem = exc.errors()[0]
        name = str(problem["loc"][0]).upper() if problem["loc"] else "settings"
        message = str(problem["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"setting {name}: {message}") from None


@lru_cache(maxsize=1)
def cached_settings() -> Settings:
    return load_settings()
