package org.crosstenant.verifier.service;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The lines of an NDJSON export, read strictly: UTF-8 (a malformed byte sequence is an error, never replaced), lines
 * end in {@code \n} only, each at most {@link #MAX_LINE} characters (a longer one is an error, so a hostile export
 * cannot exhaust memory).
 */
final class ExportLines {

    /** Longest line accepted, in characters: far above any record the service stores (its details are bounded). */
    static final int MAX_LINE = 4 * 1024 * 1024;

    private final Reader reader;
    private final StringBuilder line = new StringBuilder();
    private long number;
    private boolean ended;

    ExportLines(InputStream in) {
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
    }

    /**
     * @return the next line without its {@code \n}; null at the end (a last line without {@code \n} still counts)
     * @throws MalformedExportException when the bytes are not UTF-8 or a line is too long
     * @throws IOException                when reading fails
     */
    String next() throws IOException {
        if (ended) {
            return null;
        }
        line.setLength(0);
        int c;
        while ((c = read()) != -1) {
            if (c == '\n') {
                number++;
                return line.toString();
            }
            if (c == '\r') { // one line ending only: a CR would be taken as white space inside the JSON
                throw new MalformedExportException("line " + (number + 1) + " holds a carriage return: lines end in \\n only");
            }
            if (line.length() == MAX_LINE) {
                throw new MalformedExportException("line " + (number + 1) + " is longer than " + MAX_LINE
                        + " characters");
            }
            line.append((char) c);
        }
        ended = true;
        if (line.length() == 0) {
            return null;
        }
        number++;
        return line.toString();
    }

    private int read() throws IOException {
        try {
            return reader.read();
        } catch (CharacterCodingException e) {
            throw new MalformedExportException("line " + (number + 1) + " is not UTF-8");
        }
    }

    /** The export's bytes are not NDJSON text: a finding about the export, not a failure to read it. */
    static final class MalformedExportException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedExportException(String message) {
            super(message);
        }
    }

    /** @return the number of the line {@link #next()} returned last, 1-based */
    long number() {
        return number;
    }
}
