"""Importing torch/transformers, choosing the device, loading models.

Everything here turns the failures a user can cause (package not installed,
a GPU that is not there, a model that is neither a local folder nor in the
Hugging Face cache while the network is closed) into one-line
:class:`~benchmark.errors.ConfigError` messages instead of tracebacks.

A Hub model already in the local cache is loaded from the cache first, with
no network request: runs are then reproducible and fast on a closed network,
and the manifest records the commit that was actually used.  Only a model
missing from the cache is downloaded (never when ``HF_HUB_OFFLINE=1``).

Examples
--------
>>> snapshot_commit("/home/u/.cache/huggingface/hub/models--Helsinki-NLP--opus-mt-ar-en/snapshots/"
...                 + "a" * 40 + "/config.json") == "a" * 40
True
>>> snapshot_commit("/data/models/opus-mt-ar-en") is None
True
>>> looks_like_path("./models/opus"), looks_like_path("Helsinki-NLP/opus-mt-ar-en")
(True, False)
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmark.errors import ConfigError, HFDependencyError

INSTALL_HINT = (
    "install the optional packages of the 'hf' system: first torch (a CPU-only build is enough: "
    "pip install torch --index-url https://download.pytorch.org/whl/cpu), then pip install -e '.[hf]' "
    "(transformers, torch, sentencepiece)"
)
LIBRARIES = ("transformers", "torch", "tokenizers", "sentencepiece", "huggingface_hub", "safetensors")
"""Packages whose versions change model outputs; recorded in the manifest."""
_SNAPSHOT = re.compile(r"[/\\]snapshots[/\\]([0-9a-f]{40})(?:[/\\]|$)")




def require_hf() -> tuple[Any, Any]:
    """Import and return ``(torch, transformers)`` or raise :class:`HFDependencyError`."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise HFDependencyError(f"{exc}: {INSTALL_HINT}", field="system") from None
    except OSError as exc:  # e.g. a CUDA build of torch whose shared libraries are missing
        raise HFDependencyError(f"torch cannot be loaded ({exc}): {INSTALL_HINT}", field="system") from None
    return torch, transformers


def library_versions() -> dict[str, str | None]:
    """Installed versions from package metadata (``None`` when absent)."""
    out: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def resolve_device(device: str, torch: Any) -> str:
    """``auto`` → ``cuda`` if available, else ``mps``, else ``cpu``; refuse absent devices."""
    cuda = torch.cuda.is_available()
    mps = bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())
    if device == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    if device.startswith("cuda"):
        if not cuda:
            raise ConfigError(f"device {device!r} asked for, but torch {torch.__version__} sees no CUDA GPU "
                              "(use system.device=cpu or auto)", field="system.device")
        index = int(device.partition(":")[2] or 0)
        if index >= torch.cuda.device_count():
            raise ConfigError(f"device {device!r} asked for, but only {torch.cuda.device_count()} CUDA "
                              "device(s) exist", field="system.device")
    if device == "mps" and not mps:
        raise ConfigError("device 'mps' asked for, but torch sees no Apple GPU (use system.device=cpu or auto)",
                          field="system.device")
    return device


def snapshot_commit(path: str | os.PathLike | None) -> str | None:
    """The commit hash of a Hugging Face cache snapshot path, else ``None``."""
    if path is None:
        return None
    m = _SNAPSHOT.search(str(path))
    return m.group(1) if m else None


def looks_like_path(name: str) -> bool:
    """True for names that can only be folders (``/…``, ``./…``, ``~/…``, backslashes)."""
    return name.startswith(("/", "./", "../", "~", ".\\", "..\\")) or "\\" in name or name in (".", "..")


def folder_sha256(folder: Path) -> str:
    """SHA-256 over the relative paths and bytes of every file under ``folder``.

    Identifies a local model folder that carries no Hub commit (hidden
    files and folders, such as ``.cache``, are skipped).
    """
    h = hashlib.sha256()
    files = sorted(p for p in folder.rglob("*") if p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    for p in files:
        h.update(p.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        with p.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        h.update(b"\0")
    return h.hexdigest()


def _offline() -> bool:
    """``HF_HUB_OFFLINE``/``TRANSFORMERS_OFFLINE`` now, or as huggingface_hub read it at import."""
    flags = (os.environ.get("HF_HUB_OFFLINE", ""), os.environ.get("TRANSFORMERS_OFFLINE", ""))
    if any(v.strip().upper() in {"1", "ON", "YES", "TRUE"} for v in flags):
        return True
    try:
        from huggingface_hub import constants
    except ImportError:
        return False
    return bool(getattr(constants, "HF_HUB_OFFLINE", False))


def _reason(exc: BaseException) -> str:
    """The first line of an exception message, for a one-line error."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


@dataclass
class LoadedModel:
    """A model and its tokenizer plus what the manifest records about them."""

    model: Any
    tokenizer: Any
    info: dict[str, Any]


def load_model(name: str, *, revision: str | None, auto_class: str, key: str,
               tokenizer_kwargs: dict[str, Any] | None = None) -> LoadedModel:
    """Load ``name`` (local folder or Hub id) with ``transformers.<auto_class>``.

    ``key`` is the option holding ``name`` (``model``, ``ner_model`` …), used
    in error messages.  Remote code is never trusted.
    """
    _, transformers = require_hf()
    model_cls = getattr(transformers, auto_class)
    field = f"system.{key}"
    local = Path(name).expanduser()
    if local.is_dir():
        loaded = _load(model_cls, transformers, str(local), {"local_files_only": True}, tokenizer_kwargs, field)
        if isinstance(loaded, BaseException):
            raise ConfigError(f"cannot load the model in folder {str(local)!r}: {_reason(loaded)}", field=field)
        resolved = local.resolve()
        commit = snapshot_commit(resolved)
        info = {"name": name, "source": "local", "path": str(resolved), "revision": revision, "commit": commit,
                "folder_sha256": None if commit else folder_sha256(resolved)}
        return _finish(loaded, info)
    if looks_like_path(name):
        raise ConfigError(f"no such model folder: {name!r}", field=field)
    base = {"revision": revision, "trust_remote_code": False}
    loaded = _load(model_cls, transformers, name, {**base, "local_files_only": True}, tokenizer_kwargs, field)
    if isinstance(loaded, BaseException):
        if not isinstance(loaded, OSError):
            raise ConfigError(f"cannot load model {name!r}: {_reason(loaded)}", field=field)
        if _offline():
            raise ConfigError(
                f"model {name!r} is not a local folder and is not in the Hugging Face cache, and HF_HUB_OFFLINE=1 "
                f"forbids downloading it. Download it where the network is open (hf download {name}) into the "
                f"cache (HF_HOME), or pass a local folder: {field}=/path/to/folder", field=field)
        _probe_hub(name, revision, field)
        loaded = _load(model_cls, transformers, name, base, tokenizer_kwargs, field)
        if isinstance(loaded, BaseException):
            raise ConfigError(
                f"cannot load model {name!r}: it is not a local folder, not in the Hugging Face cache, and the "
                f"download failed ({_reason(loaded)}). Check the id and the network (this machine's may be "
                f"closed), or download it elsewhere (hf download {name}) and pass the folder: "
                f"{field}=/path/to/folder", field=field)
    commit = _hub_commit(name, revision)
    return _finish(loaded, {"name": name, "source": "hub", "revision": revision, "commit": commit})


def _probe_hub(name: str, revision: str | None, field: str) -> None:
    """One quick request before downloading: a closed network or a wrong id fails
    in about a second here instead of after a minute of download retries."""
    try:
        from huggingface_hub import model_info
        from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError, RevisionNotFoundError
    except ImportError:
        return  # very old huggingface_hub: let transformers report
    try:
        model_info(name, revision=revision, timeout=10)
    except GatedRepoError:
        raise ConfigError(f"model {name!r} is gated on the Hugging Face Hub: accept its terms on the model page "
                          "and log in (hf auth login), or pass a local folder", field=field) from None
    except RepositoryNotFoundError:
        raise ConfigError(f"no model {name!r} on the Hugging Face Hub (nor a local folder of that name); "
                          "private models need hf auth login", field=field) from None
    except RevisionNotFoundError:
        raise ConfigError(f"model {name!r} has no revision {revision!r}",
                          field=field.replace("model", "revision")) from None  # system.ner_revision …
    except Exception as exc:  # noqa: BLE001 - network failures come from several libraries
        raise ConfigError(
            f"model {name!r} is not a local folder and not in the Hugging Face cache, and the Hub cannot be reached "
            f"({_reason(exc)}); the network of this machine may be closed. Download it where the network is open "
            f"(hf download {name}) into the cache (HF_HOME), or pass a local folder: {field}=/path/to/folder",
            field=field) from None


def _load(model_cls: Any, transformers: Any, name: str, kwargs: dict[str, Any],
          tokenizer_kwargs: dict[str, Any] | None, field: str) -> tuple[Any, Any] | BaseException:
    """``(model, tokenizer)`` or the exception that stopped loading them."""
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(name, **kwargs, **(tokenizer_kwargs or {}))
    except KeyError as exc:
        if tokenizer_kwargs and "src_lang" in tokenizer_kwargs:  # M2M100 rejects an unknown src_lang this way
            raise ConfigError(f"the tokenizer of {name!r} does not know the language code {exc}",
                              field="system.src_lang") from None
        return exc
    except Exception as exc:  # noqa: BLE001 - any loading failure becomes one ConfigError line upstream
        return exc
    try:
        model = model_cls.from_pretrained(name, **kwargs)
    except Exception as exc:  # noqa: BLE001
        return exc
    return model, tokenizer


def _hub_commit(name: str, revision: str | None) -> str | None:
    """The commit a Hub model was loaded from, read from its cache snapshot path."""
    if revision and re.fullmatch(r"[0-9a-f]{40}", revision):
        return revision
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    path = try_to_load_from_cache(name, "config.json", revision=revision)
    return snapshot_commit(path) if isinstance(path, str) else None


def _finish(loaded: tuple[Any, Any], info: dict[str, Any]) -> LoadedModel:
    model, tokenizer = loaded
    model.eval()  # no dropout: outputs depend only on the inputs
    # transformers 4.x stores the commit on the config; 5.x does not.
    info["commit"] = info.get("commit") or getattr(model.config, "_commit_hash", None)
    info["model_class"] = type(model).__name__
    info["tokenizer_class"] = type(tokenizer).__name__
    return LoadedModel(model=model, tokenizer=tokenizer, info=info)
