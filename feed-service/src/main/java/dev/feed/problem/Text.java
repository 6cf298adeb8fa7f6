package dev.feed.problem;

/**
 * What text from a client may hold. Stores and topics refuse some strings outright (PostgreSQL
 * a NUL, UTF-8 encoders a lone surrogate: both were 500s), and some strings pass every
 * {@code isBlank()} yet show nothing to a reader (zero-width spaces, BOM, NBSP, Hangul fillers,
 * control characters): a post or a name made only of those is a 400 too.
 */
public final class Text {
    private Text() {
    }

    /**
     * Checks free text (a post): no NUL or other control character but line feed and tab, no lone
     * surrogate, and at least one character a reader sees. Throws a 400 naming {@code field}.
     */
    public static String requireVisible(String field, String value, boolean multiline) {
        requireEncodable(field, value, multiline);
        if (isBlankToReader(value)) {
            throw ProblemException.badRequest(field + ": must not be blank (only spaces, invisible or control characters)");
        }
        return value;
    }

    /** Checks a string that is looked up or stored as is (a handle, a header): no NUL, control or lone surrogate. */
    public static String requireEncodable(String field, String value, boolean multiline) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
                continue;
            }
            if (Character.isSurrogate(c)) {
                throw ProblemException.badRequest(field + ": contains a lone UTF-16 surrogate at index " + i);
            }
            if (c == 0) {
                throw ProblemException.badRequest(field + ": contains a NUL character at index " + i);
            }
            if (Character.isISOControl(c) && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) {
                throw ProblemException.badRequest(field + ": contains the control character U+"
                        + String.format("%04X", (int) c) + " at index " + i);
            }
        }
        return value;
    }

    /** True when no code point of {@code value} is visible: whitespace, format characters (Cf), controls, fillers. */
    public static boolean isBlankToReader(String value) {
        return value.codePoints().allMatch(Text::isInvisible);
    }

    private static boolean isInvisible(int cp) {
        if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)) {
            return true; // includes NBSP (U+00A0), U+2007, U+202F: space separators isWhitespace leaves out
        }
        int type = Character.getType(cp);
        if (type == Character.FORMAT) {
            return true; // ZWSP U+200B, ZWNJ/ZWJ, BOM U+FEFF, word joiner U+2060, LRM/RLM, soft hyphen U+00AD
        }
        return switch (cp) {
            // Hangul fillers, braille blank, combining grapheme joiner, Mongolian vowel separator, Khmer vowels inherent
            case 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F, 0x180E, 0x17B4, 0x17B5 -> true;
            default -> (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF); // variation selectors
        };
    }
}
