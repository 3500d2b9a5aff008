/**
 * `keywords` triggers: one regular expression per transition that finds any
 * of its words or phrases in a transcript — case-insensitive, whole words only
 * ("hurt" does not match "hurts"), and phrases match across any run of spaces
 * or punctuation the transcriber put between their words.
 *
 * The expression is built on first use: Unicode property classes make a
 * RegExp costly to construct (a large flow has hundreds of keyword lists), it
 * cannot fail (every keyword is escaped), and a call only matches in the
 * stages it is in.
 */

const ESCAPE = /[.*+?^${}()|[\]\\]/g;

/** Finds what a transition listens for in a transcript. */
export interface TextMatcher {
  /** The words heard, as the transcript has them, or undefined. */
  match(transcript: string): string | undefined;
}

export function createKeywordMatcher(keywords: readonly string[]): TextMatcher {
  let regex: RegExp | undefined;
  const build = () => {
    const alternatives = keywords
      .map((keyword) => keyword.trim())
      .filter((keyword) => keyword.length > 0)
      // Longer phrases first, so "really hurts" wins over "really" when both are listed.
      .sort((a, b) => b.length - a.length)
      .map((keyword) => keyword.split(/[\s\p{P}]+/u).filter(Boolean).map((word) => word.replace(ESCAPE, '\\$&')).join('[\\s\\p{P}]+'));
    // Letters and digits around the match would make it part of a longer word.
    return new RegExp(`(?<![\\p{L}\\p{N}])(${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'iu');
  };
  return {
    match(transcript) {
      regex ??= build();
      return regex.exec(transcript)?.[1];
    },
  };
}

/** `pattern` triggers: the flow's own regular expression (already checked), the whole match. */
export function createPatternMatcher(pattern: RegExp): TextMatcher {
  return {
    match(transcript) {
      return pattern.exec(transcript)?.[0];
    },
  };
}
