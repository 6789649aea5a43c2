"""Key shapes and their filters: every provider's fake key is found with its provider, the public
keys and placeholders never are, prefix-less shapes need their provider nearby, and a Google key is an
AI key only where the project uses Gemini."""

from __future__ import annotations

import itertools

import pytest

from assess.catalog import Catalog
from assess.fakekeys import KINDS, fake_key
from assess.scan.matching.secrets import KeyScanner, SecretHit, is_placeholder
from assess.scan.plan import ScanPlan

PROVIDER_OF_KIND = {
    "openai-project": "OpenAI", "openai-legacy": "OpenAI", "openai-svcacct": "OpenAI", "openai-admin": "OpenAI",
    "anthropic": "Anthropic", "anthropic-admin": "Anthropic", "google": "Google Gemini", "gemini": "Google Gemini",
    "groq": "Groq", "xai": "xAI", "openrouter": "OpenRouter", "mistral": "Mistral", "cohere": "Cohere",
    "huggingface": "Hugging Face", "huggingface-org": "Hugging Face", "replicate": "Replicate",
    "perplexity": "Perplexity", "deepseek": "DeepSeek", "together": "Together", "fireworks": "Fireworks",
    "azure-openai": "Azure OpenAI", "azure-openai-2024": "Azure OpenAI", "bedrock": "AWS Bedrock",
    "cerebras": "Cerebras", "nvidia": "NVIDIA",
}  # fmt: skip
PUBLIC_KINDS = ("firebase", "stripe-publishable", "clerk-publishable", "supabase-anon")
# the provider's name where a shape has no prefix of its own
NAME_OF_KIND = {
    "mistral": "MISTRAL_API_KEY", "cohere": "CO_API_KEY", "azure-openai": "AZURE_OPENAI_API_KEY",
    "azure-openai-2024": "AZURE_OPENAI_API_KEY", "deepseek": "DEEPSEEK_API_KEY", "fireworks": "FIREWORKS_API_KEY",
}  # fmt: skip


@pytest.fixture(scope="module")
def scanner(catalog: Catalog) -> KeyScanner:
    return ScanPlan.build(catalog).keys


def _find(scanner: KeyScanner, text: str, providers: frozenset[str] = frozenset()) -> list[SecretHit]:
    return scanner.find(text, text.encode(), providers)


def test_every_kind_is_a_known_provider_or_public() -> None:
    assert set(KINDS) == set(PROVIDER_OF_KIND) | set(PUBLIC_KINDS)


@pytest.mark.parametrize("kind", sorted(PROVIDER_OF_KIND))
@pytest.mark.parametrize("seed", ["a", "b", "c"])
def test_each_provider_shape_is_found(scanner: KeyScanner, kind: str, seed: str) -> None:
    key = fake_key(kind, seed)
    line = f'{NAME_OF_KIND.get(kind, "API_KEY")}="{key}"  # your key here\n'
    hits = _find(scanner, line, frozenset({"Google Gemini"}))
    assert [(h.secret, h.pattern.provider) for h in hits] == [(key, PROVIDER_OF_KIND[kind])]


@pytest.mark.parametrize("kind", PUBLIC_KINDS)
def test_public_by_design_keys_are_never_ai_keys(scanner: KeyScanner, kind: str) -> None:
    key = fake_key(kind, "p")
    text = f'const firebaseConfig = {{ apiKey: "{key}", authDomain: "demo.firebaseapp.com" }};\nPUBLISHABLE="{key}"\n'
    if kind != "firebase":
        text = f'NEXT_PUBLIC_KEY="{key}"\n'
    assert _find(scanner, text, frozenset({"Google Gemini"})) == []


@pytest.mark.parametrize(
    "value",
    [
        "sk-...",
        "sk-your-key",
        "your_openai_api_key_here",
        "${OPENAI_API_KEY}",
        "<YOUR_KEY>",
        "",
        "{{ openai_api_key }}",
        "sk-proj-" + "X" * 74 + "T3Blbk" + "FJ" + "X" * 74,
        "sk-" + "abcdefghijklmnopqrst" + "T3Blbk" + "FJ" + "abcdefghijklmnopqrst",
        "gsk_" + "x" * 52,
        "AIza" + "Sy" + "abcdefghijklmnopqrstuvwxyz1234567",
        "hf_" + "abcdefghijklmnopqrstuvwxyzabcdefgh",
    ],
)
def test_placeholders_are_quiet(scanner: KeyScanner, value: str) -> None:
    assert _find(scanner, f'OPENAI_API_KEY="{value}"\nGEMINI="{value}"\n', frozenset({"Google Gemini"})) == []


def test_placeholder_words_are_matched_in_lower_case_only() -> None:
    assert is_placeholder("sk-your-key") and is_placeholder("sk-XXXXXXXX")
    assert not is_placeholder("AbYourQ3zR8")  # a random key may hold "Your"


@pytest.mark.parametrize("kind", sorted(NAME_OF_KIND))
def test_prefixless_shapes_need_their_provider_nearby(scanner: KeyScanner, kind: str) -> None:
    assert _find(scanner, f'API_KEY="{fake_key(kind, "n")}"\n') == []


@pytest.mark.parametrize("kind", ["mistral", "cohere", "azure-openai"])
def test_bare_alphanumerics_need_a_key_like_name(scanner: KeyScanner, kind: str) -> None:
    """A 32/40-character run beside the provider's name is an id or a hash unless assigned to a key."""
    assert _find(scanner, f'checksum = "{fake_key(kind, "n")}"  # {NAME_OF_KIND[kind]}\n') == []


def test_a_key_beside_a_your_key_here_comment_is_found(scanner: KeyScanner) -> None:
    key = fake_key("openai-project", "c")
    hits = _find(scanner, f'# TODO: your key here\nclient = OpenAI(api_key="{key}")  # your key here\n')
    assert [h.secret for h in hits] == [key]


class TestGoogleKeys:
    def test_ai_only_where_the_project_uses_gemini(self, scanner: KeyScanner) -> None:
        key = fake_key("google", "g")
        text = f'GOOGLE_API_KEY = "{key}"\n'
        assert [h.ai for h in _find(scanner, text)] == [False]
        assert [h.ai for h in _find(scanner, text, frozenset({"Google Gemini"}))] == [True]

    def test_gemini_named_nearby_makes_it_ai(self, scanner: KeyScanner) -> None:
        key = fake_key("google", "g")
        assert [h.ai for h in _find(scanner, f'genai.Client(api_key="{key}")\n')] == [True]
        url = f"https://generativelanguage.googleapis.com/v1beta/models?key={key}"
        assert [h.ai for h in _find(scanner, url)] == [True]

    @pytest.mark.parametrize(
        "place",
        [
            '<script src="https://maps.googleapis.com/maps/api/js?key={key}&callback=initMap"></script>\n',
            '<meta-data android:name="com.google.android.geo.API_KEY" android:value="{key}"/>\n',
            'GMSServices.provideAPIKey("{key}")\n',
            'GMSPlacesClient.provideAPIKey("{key}")\n',
            'useJsApiLoader({{ googleMapsApiKey: "{key}" }})\n',
            'import {{ Loader }} from "@googlemaps/js-api-loader";\n'
            + "\n" * 8
            + 'new Loader({{ apiKey: "{key}" }});\n',
            'YOUTUBE_DATA_KEY = "{key}"\n',
        ],
    )
    def test_another_google_products_key_is_ai_only_in_a_gemini_project(self, scanner: KeyScanner, place: str) -> None:
        text = place.format(key=fake_key("google", "m"))
        assert _find(scanner, text) == []  # a Maps key where nothing uses Gemini: no finding at all
        assert [h.ai for h in _find(scanner, text, frozenset({"Google Gemini"}))] == [True]  # one key, every API

    def test_gemini_imported_in_the_file_is_gemini_use(self, scanner: KeyScanner) -> None:
        key = fake_key("google", "m")
        text = "import google.generativeai as genai\n" + "\n" * 8 + f'MAPS_API_KEY = "{key}"\n'
        assert [h.ai for h in _find(scanner, text)] == [True]

    @pytest.mark.parametrize(
        "config",
        [
            'const firebaseConfig = {{\n  apiKey: "{key}",\n  authDomain: "app.firebaseapp.com",\n}};\n',
            '{{"client": [{{"api_key": [{{"current_key": "{key}"}}]}}]}}\n',
            "<key>API_KEY</key>\n<string>{key}</string>\n<key>GCM_SENDER_ID</key>\n",
            "NEXT_PUBLIC_FIREBASE_API_KEY={key}\n",
            '<string name="google_api_key" translatable="false">{key}</string>\n',
        ],
    )
    def test_firebase_configs_are_quiet(self, scanner: KeyScanner, config: str) -> None:
        text = config.format(key=fake_key("firebase", "f"))
        assert _find(scanner, text, frozenset({"Google Gemini"})) == []


def test_hits_never_overlap_and_come_in_order(scanner: KeyScanner) -> None:
    keys = [fake_key("anthropic", "o"), fake_key("openrouter", "o"), fake_key("groq", "o")]
    text = "\n".join(f'K{i}="{k}"' for i, k in enumerate(keys)) + "\n"
    hits = _find(scanner, text)
    assert [h.secret for h in hits] == keys
    assert all(a.end <= b.start for a, b in itertools.pairwise(hits))


def test_keyword_pass_skips_regexes_for_files_without_keywords(scanner: KeyScanner) -> None:
    assert scanner.candidates(b"import os\nprint('hello')\n") == []
    names = {p.name for p in scanner.candidates(b"MISTRAL_API_KEY=")}
    assert names == {"mistral"}
