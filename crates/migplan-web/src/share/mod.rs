//! The share link: the whole input state in the URL fragment, `#s=<version>.<data>`, where
//! data is the JSON of `state::Shared`, deflated (miniz_oxide) and base64url-encoded. A fragment never
//! reaches a server, so a link carries the inputs without anyone but its reader seeing them.
//!
//! The version says how the data was written. A link of a version this build cannot read is
//! refused with words saying so, never half-read; the JSON fields of later versions are
//! optional (serde defaults), so a link keeps opening as fields are added.
//!
//! Beside the codec, what hands the inputs on or keeps them: `share_bar` (the address as the
//! link), `pasted_link`, `embed` (the planner in another page's iframe) and `saving` (the
//! state kept between visits).

#[cfg(target_arch = "wasm32")]
pub mod embed;
#[cfg(target_arch = "wasm32")]
pub mod pasted_link;
#[cfg(target_arch = "wasm32")]
pub mod saving;
#[cfg(target_arch = "wasm32")]
pub mod share_bar;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use miniz_oxide::inflate::TINFLStatus;

use crate::state::shared::Shared;

/// The encoding this build writes and reads.
pub const VERSION: u32 = 1;

/// Past this many characters a link breaks in some browsers, chat tools and servers' logs of
/// the page URL (the fragment is not sent, but people paste the whole address): the page
/// offers the inputs as a JSON download instead.
pub const MAX_LINK_CHARS: usize = 32 * 1024;

/// The most a link's data may inflate to. The page writes no link past `MAX_LINK_CHARS`,
/// whose inputs inflate to a megabyte or two; anything near this is a deflate bomb, refused
/// before it takes the page's memory.
const MAX_INFLATED: usize = 8 << 20;

/// The fragment's value, `<version>.<data>` (without `#s=`).
pub fn encode(shared: &Shared) -> String {
    encode_json(&shared.to_json())
}

fn encode_json(json: &str) -> String {
    let deflated = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    format!("{VERSION}.{}", URL_SAFE_NO_PAD.encode(deflated))
}

/// The fragment value of `shared`, or (at least) its length when it is too long for a link.
pub fn link_value(shared: &Shared) -> Result<String, usize> {
    // Deflate shrinks these inputs (CSV text in JSON) a few times, never near this much: past
    // it no link can hold them, and deflating megabytes (1,000 models' profiles) would block
    // the page for a tenth of a second after every pause in typing. Base64 adds a third.
    const BEYOND_DEFLATE: usize = 24;
    let json = shared.to_json();
    let at_least = json.len() / BEYOND_DEFLATE * 4 / 3;
    if at_least > MAX_LINK_CHARS {
        return Err(at_least);
    }
    // The fastest deflate first: the best one never halves what it leaves, so past twice the
    // limit no link holds them either. At 300 models (half a megabyte of JSON) that answer
    // takes a tenth of the best deflate's time, which blocked the page for 160 ms.
    let fast = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 1).len() / 2 * 4 / 3;
    if fast > MAX_LINK_CHARS {
        return Err(fast);
    }
    let value = encode_json(&json);
    if value.len() > MAX_LINK_CHARS {
        Err(value.len())
    } else {
        Ok(value)
    }
}

/// The state a fragment value holds, or why it cannot be opened, in words for the page.
pub fn decode(value: &str) -> Result<Shared, String> {
    let (version, data) =
        value.split_once('.').ok_or("this link's plan data has no version: it is cut short or not a migplan link")?;
    match version.parse::<u32>() {
        Ok(VERSION) => {}
        Ok(v) if v > VERSION => {
            return Err(format!(
                "this link was made by a newer migplan (link format {v}; this page reads format {VERSION}): \
                 open it with the newer page, or reload this one to update it"
            ))
        }
        _ => return Err(format!("this link's format `{version}` is not one migplan ever wrote")),
    }
    let deflated = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|e| format!("this link's plan data is damaged (not base64url: {e}); copy the whole link again"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_INFLATED).map_err(|e| {
        if e.status == TINFLStatus::HasMoreOutput {
            format!(
                "this link's inputs are too large: they inflate to more than {} MB, far past what a link of \
                 this page holds (inputs that large travel as a file: Download inputs (JSON))",
                MAX_INFLATED >> 20
            )
        } else {
            "this link's plan data is damaged (it does not inflate); copy the whole link again".to_string()
        }
    })?;
    let json = String::from_utf8(json).map_err(|_| "this link's plan data is not text: it is damaged".to_string())?;
    serde_json::from_str(&json).map_err(|e| format!("this link's plan data does not describe migplan inputs: {e}"))
}

/// The share-link value in a fragment like `#s=...&embed`, if there is one.
pub fn from_fragment(fragment: &str) -> Option<&str> {
    fragment.trim_start_matches('#').split('&').find_map(|part| part.strip_prefix("s="))
}

/// True when the page is asked for its compact, iframe layout: `?embed` or `#...&embed`.
pub fn wants_embed(search: &str, fragment: &str) -> bool {
    let has = |text: &str, sep: char| text.split(sep).any(|part| part == "embed" || part.starts_with("embed="));
    has(search.trim_start_matches('?'), '&') || has(fragment.trim_start_matches('#'), '&')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Inputs, State};

    fn example() -> Shared {
        let mut state = State::new(Inputs::example());
        state.inputs.seed = "42".into();
        state.gpus_per_node = "4".into();
        state.move_inputs.spare = "2".into();
        state.inputs.profiles[0].measured_on = "a100-40gb".into();
        Shared::of(&state)
    }

    #[test]
    fn a_link_value_is_the_encoding_or_how_far_past_the_limit_it_is() {
        assert_eq!(link_value(&example()), Ok(encode(&example())));
        let mut huge = example();
        huge.inputs.workload.text = "m,1,1\n".repeat(MAX_LINK_CHARS * 40 / 6);
        assert!(link_value(&huge).is_err_and(|chars| chars > MAX_LINK_CHARS));
    }

    #[test]
    fn a_state_survives_the_link() {
        let shared = example();
        let value = encode(&shared);
        assert!(value.starts_with("1."));
        assert!(value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)), "{value}");
        assert_eq!(decode(&value).unwrap(), shared);
        let state = decode(&value).unwrap().into_state();
        assert_eq!((state.inputs.seed.as_str(), state.gpus_per_node.as_str()), ("42", "4"));
        assert_eq!(state.move_inputs.spare, "2");
        assert_eq!(state.inputs.profiles[0].measured_on, "a100-40gb");
    }

    #[test]
    fn the_example_is_far_below_the_limit() {
        let value = encode(&example());
        let json = example().to_json().len();
        assert!(value.len() < MAX_LINK_CHARS / 4, "{} chars", value.len());
        assert!(value.len() < json / 2, "{} chars for {json} of JSON", value.len());
    }

    #[test]
    fn links_of_other_versions_or_damaged_ones_say_why() {
        let value = encode(&example());
        let data = value.split_once('.').unwrap().1;
        assert!(decode(&format!("2.{data}")).unwrap_err().contains("newer migplan"));
        assert!(decode(&format!("0.{data}")).unwrap_err().contains("not one migplan ever wrote"));
        assert!(decode(data).unwrap_err().contains("no version"));
        assert!(decode(&value[..value.len() / 2]).unwrap_err().contains("damaged"));
        assert!(decode("1.not*base64").unwrap_err().contains("base64url"));
        // A bomb: a few kilobytes that would inflate to 20 MB.
        let bomb = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&vec![b' '; 20 << 20], 9));
        assert!(bomb.len() < MAX_LINK_CHARS, "{}", bomb.len());
        let said = decode(&format!("1.{bomb}")).unwrap_err();
        assert!(said.contains("too large") && !said.contains("damaged"), "{said}");
        let other = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(br#"{"a":1}"#, 6));
        assert!(decode(&format!("1.{other}")).unwrap_err().contains("does not describe"));
    }

    #[test]
    fn a_version_1_link_without_the_optional_fields_opens() {
        let json = serde_json::json!({ "inputs": Inputs::example() }).to_string();
        let value = format!("1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6)));
        let state = decode(&value).unwrap().into_state();
        assert_eq!(state.inputs, Inputs::example());
        assert_eq!(state.gpus_per_node, State::new(Inputs::example()).gpus_per_node);
    }

    #[test]
    fn the_embed_example_page_opens_two_different_states() {
        let page = include_str!("../../../../static/demo/embed.html");
        let states: Vec<Shared> =
            page.split("#s=").skip(1).map(|rest| decode(&rest[..rest.find('"').unwrap()]).unwrap()).collect();
        assert_eq!(states.len(), 2);
        assert_ne!(states[0].inputs.workload, states[1].inputs.workload);
        for state in &states {
            assert_eq!(state.inputs.gpu, "a100-40gb");
            assert!(crate::state::parse_errors(&state.inputs).is_empty());
        }
    }

    #[test]
    fn fragments_and_embed_flags() {
        assert_eq!(from_fragment("#s=1.abc"), Some("1.abc"));
        assert_eq!(from_fragment("#embed&s=1.abc"), Some("1.abc"));
        assert_eq!(from_fragment("#other"), None);
        assert!(wants_embed("?embed", ""));
        assert!(wants_embed("", "#s=1.abc&embed"));
        assert!(!wants_embed("?x=1", "#s=1.embed"));
    }
}
