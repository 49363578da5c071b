"""Settings from the environment and `.env` (names as in `.env.example`)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it."""


class Settings(BaseSettings):
    """Every setting the bot reads. See `.env.example` for what each one does."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    business_file: str = Field(default="", description="path to the business TOML; empty = bundled demo")
    database_url: str = "sqlite+aiosqlite:///booking-bot.db"
    booking_backend: str = "local"
    default_language: str = "en"
    log_level: str = "INFO"

    @field_validator("booking_backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"local"}:
            raise ValueError(f"unknown backend {value!r}; available: local")
        return value

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
