/**
 * `keywords` triggers: one regular expression per transition, built once,
 * that finds any of its words or phrases in a transcript — case-insensitive,
 * whole words only ("hurt" does not match "hurts"), and phrases match across
 * any run of spaces or punctuation the transcriber put between their words.
 */

const ESCAPE = /[.*+?^${}()|[\]\\]/g;

/** The matcher for a list of keywords; `exec(transcript)?.[1]` is the phrase heard. */
export function createKeywordMatcher(keywords: readonly string[]): RegExp {
  const alternatives = keywords
    .map((keyword) => keyword.trim())
    .filter((keyword) => keyword.length > 0)
    // Longer phrases first, so "really hurts" wins over "really" when both are listed.
    .sort((a, b) => b.length - a.length)
    .map((keyword) => keyword.split(/[\s\p{P}]+/u).filter(Boolean).map((word) => word.replace(ESCAPE, '\\$&')).join('[\\s\\p{P}]+'));
  // Letters and digits around the match would make it part of a longer word.
  return new RegExp(`(?<![\\p{L}\\p{N}])(${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'iu');
}
