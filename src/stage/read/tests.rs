//! Tests of reading: decoding, headers, the splitter against the csv crate, parts.

use super::records::quote_cuts;
use super::*;

fn file(bytes: &[u8]) -> CsvFile {
    CsvFile::from_bytes(bytes.to_vec()).expect("readable")
}

type Read = (Vec<(u64, Shape, Vec<String>)>, u64);

fn everything(mut r: Records<'_>) -> Read {
    let mut out = Vec::new();
    while let Some(rec) = r.next_record() {
        out.push((
            rec.line,
            rec.shape,
            rec.fields().map(str::to_string).collect(),
        ));
    }
    (out, r.blank_skipped())
}

proptest::proptest! {
    /// The splitter reads what the csv crate reads: fields, lines,
    /// shapes, blank lines, whole and in two parts.
    #[test]
    fn the_splitter_reads_what_csv_reads(
        body in proptest::collection::vec(proptest::sample::select(
            vec!["a", "é", ",", ";", "\"", "\"\"", "\n", "\r", "\r\n", " ", "xy"]), 0..40),
        crlf in proptest::bool::ANY,
    ) {
        let head = if crlf { "h1,h2,h3\r\n" } else { "h1,h2,h3\n" };
        let text = format!("{head}{}", body.concat());
        let Ok(f) = CsvFile::from_bytes(text.clone().into_bytes()) else { return Ok(()) };
        if !f.regular {
            return Ok(());
        }
        let fast = everything(f.records());
        let fast_parts: Vec<Read> = f.records_split(2).into_iter().map(everything).collect();
        let f = f.csv_only();
        proptest::prop_assert_eq!(&fast, &everything(f.records()), "{:?}", text);
        let csv_parts: Vec<Read> = f.records_split(2).into_iter().map(everything).collect();
        proptest::prop_assert_eq!(fast_parts, csv_parts, "{:?}", text);
    }
}

#[test]
fn quoted_fields_with_doubled_quotes_and_line_breaks_are_split_alike() {
    let text = "id;note\r\n1;\"a \"\"b\"\"\r\nc\";x\r\n\r\n;;\r\n2;\"\";\r3;z";
    let f = file(text.as_bytes());
    assert!(f.regular);
    let fast = everything(f.records());
    assert_eq!(fast.0[0].2, vec!["1", "a \"b\"\r\nc", "x"]);
    assert_eq!(fast, everything(f.csv_only().records()));
}

fn rows(f: &CsvFile) -> Vec<(u64, Vec<String>)> {
    let mut out = Vec::new();
    let mut r = f.records();
    while let Some(rec) = r.next_record() {
        out.push((rec.line, rec.fields().map(str::to_string).collect()));
    }
    out
}

#[test]
fn plain_utf8_crlf() {
    let f = file(b"id,name\r\n1,S\xc3\xb8ren\r\n2,Anna\r\n");
    assert_eq!(
        (f.encoding, f.bom, f.delimiter, f.line_ending),
        (TextEncoding::Utf8, false, b',', LineEnding::Crlf)
    );
    assert_eq!(
        rows(&f),
        vec![
            (2, vec!["1".into(), "Søren".into()]),
            (3, vec!["2".into(), "Anna".into()])
        ]
    );
}

#[test]
fn bom_is_stripped_and_reported() {
    let f = file(b"\xEF\xBB\xBFemail,x\n a@b.example ,1\n");
    assert!(f.bom);
    assert_eq!(f.headers[0].original, "email");
    assert_eq!(f.line_ending, LineEnding::Lf);
    assert_eq!(rows(&f)[0].1[0], " a@b.example ");
}

#[test]
fn windows_1252_is_detected_and_decoded() {
    // "Søren;Århus" in Windows-1252: ø = F8, Å = C5.
    let f = file(b"name;city\r\nS\xF8ren;\xC5rhus\r\n");
    assert_eq!(f.encoding, TextEncoding::Windows1252);
    assert_eq!(f.delimiter, b';');
    assert_eq!(rows(&f)[0].1, vec!["Søren", "Århus"]);
}

#[test]
fn mostly_utf8_with_a_bad_byte_is_lossy_not_1252() {
    let f = file(b"name\nS\xc3\xb8ren\nBj\xF8rn\n");
    assert_eq!(
        f.encoding,
        TextEncoding::Utf8Lossy {
            replaced: 1,
            first_line: 3
        }
    );
    assert_eq!(rows(&f)[0].1[0], "Søren");
}

#[test]
fn unreadable_files() {
    assert_eq!(
        CsvFile::from_bytes(Vec::new()).unwrap_err(),
        ReadError::Empty
    );
    assert_eq!(
        CsvFile::from_bytes(b"\xFF\xFEi\0d\0".to_vec()).unwrap_err(),
        ReadError::Utf16("little-endian")
    );
    assert_eq!(
        CsvFile::from_bytes(b"a,b\n1,\0\n".to_vec()).unwrap_err(),
        ReadError::Binary { line: 2 }
    );
    assert_eq!(
        CsvFile::from_bytes(b"sep=;\r\n".to_vec()).unwrap_err(),
        ReadError::NoHeader
    );
    assert_eq!(ReadError::Empty.code(), codes::E0801);
}

#[test]
fn sep_line_sets_the_delimiter_and_counts_as_a_line() {
    let f = file(b"sep=;\r\nFornavn;Efternavn;score\r\nS\xc3\xb8ren;Hansen;\"72,5\"\r\n");
    assert!(f.sep_line);
    assert_eq!((f.delimiter, f.header_line), (b';', 2));
    assert_eq!(
        rows(&f),
        vec![(3, vec!["Søren".into(), "Hansen".into(), "72,5".into()])]
    );
    let quoted = file(b"\"sep=,\"\na;b,c\n1;2,3\n");
    assert_eq!(quoted.delimiter, b',');
    assert_eq!(quoted.headers.len(), 2);
}

#[test]
fn delimiter_is_sniffed_outside_quotes() {
    assert_eq!(sniff_delimiter(b"a;b;c"), b';');
    assert_eq!(sniff_delimiter(b"\"a,b\";c"), b';');
    assert_eq!(sniff_delimiter(b"a\tb"), b'\t');
    assert_eq!(sniff_delimiter(b"single"), b',');
    assert_eq!(sniff_delimiter(b"a,b;c"), b',');
}

#[test]
fn quoted_multiline_cells_keep_physical_line_numbers() {
    let f = file(b"id,text\r\n1,\"first\nsecond\nthird\"\r\n2,plain\r\n3,\"a \"\"quote\"\"\"\r\n");
    let r = rows(&f);
    assert_eq!(r[0], (2, vec!["1".into(), "first\nsecond\nthird".into()]));
    assert_eq!(r[1].0, 5);
    assert_eq!(r[2], (6, vec!["3".into(), "a \"quote\"".into()]));
    assert!(f.quotes_balanced);
    assert!(!file(b"a,b\n1,\"open\n").quotes_balanced);
}

#[test]
fn multi_values_with_the_delimiter_stay_one_cell() {
    let f = file(b"id;groups\n1;\"Sales;Store 12\"\n");
    assert_eq!(rows(&f)[0].1, vec!["1", "Sales;Store 12"]);
}

#[test]
fn headers_are_normalized_and_duplicates_found() {
    let f = file(b"Email ,E-mail,  First   Name,email,,\n");
    let keys: Vec<&str> = f.headers.iter().map(|h| h.key.as_str()).collect();
    assert_eq!(keys, ["email", "e-mail", "first name", "email", "", ""]);
    assert_eq!(f.headers[0].original, "Email ");
    assert_eq!(
        f.duplicate_headers,
        vec![DuplicateHeader {
            key: "email".into(),
            columns: vec![0, 3]
        }]
    );
    assert_eq!((f.trailing_empty_headers, f.width()), (2, 4));
    assert_eq!(f.column("first name"), Some(2));
    assert_eq!(normalize_header("\u{feff}FORNAVN"), "fornavn");
}

#[test]
fn blank_lines_are_skipped_and_ragged_rows_classified() {
    let f = file(b"\r\na,b,c\r\n1,2,3\r\n\r\n,,\r\n4,5\r\n6,7,8,,\r\n9,10,11,12\r\n\r\n\r\n");
    assert_eq!(f.header_line, 2);
    let mut r = f.records();
    let mut got = Vec::new();
    while let Some(rec) = r.next_record() {
        got.push((rec.line, rec.shape, rec.get(2).to_string()));
    }
    assert_eq!(
        got,
        vec![
            (3, Shape::Exact, "3".to_string()),
            (6, Shape::Short { fields: 2 }, String::new()),
            (7, Shape::Exact, "8".to_string()),
            (8, Shape::Long { fields: 4 }, "11".to_string()),
        ]
    );
    assert_eq!(r.blank_skipped(), 4);
}

#[test]
fn header_only_file_has_no_records() {
    let f = file(b"a,b");
    assert_eq!(f.line_ending, LineEnding::None);
    assert!(rows(&f).is_empty());
}

#[test]
fn split_streams_read_the_same_records_and_lines() {
    let mut text = b"sep=;\r\nid;note\r\n".to_vec();
    let quoted_only = text.len();
    for i in 0..40 {
        text.extend_from_slice(format!("{i};\"line one\r\nline two; {i}\"\r\n").as_bytes());
        if i % 7 == 0 {
            text.extend_from_slice(b"\r\n;\r\n");
        }
    }
    // The same records after a stray quote inside an unquoted cell:
    // the cuts then come from the parser.
    let mut stray = text[..quoted_only].to_vec();
    stray.extend_from_slice(b"99;5\" screen\r\n");
    stray.extend_from_slice(&text[quoted_only..]);
    assert!(quote_cuts(&text[quoted_only..], b';', &[text.len() / 2]).is_some());
    assert!(quote_cuts(&stray[quoted_only..], b';', &[stray.len() / 2]).is_none());
    for (crlf, text) in [(true, &text), (false, &text), (true, &stray)] {
        let bytes = if crlf {
            text.clone()
        } else {
            text.iter().copied().filter(|&b| b != b'\r').collect()
        };
        let f = file(&bytes);
        let whole = rows(&f);
        let mut r = f.records();
        while r.next_record().is_some() {}
        let blank = r.blank_skipped();
        for parts in 1..=5 {
            let mut got = Vec::new();
            let mut blanks = 0;
            let streams = f.records_split(parts);
            assert!(streams.len() <= parts && (parts == 1 || streams.len() > 1));
            for mut s in streams {
                while let Some(rec) = s.next_record() {
                    got.push((
                        rec.line,
                        rec.fields().map(str::to_string).collect::<Vec<_>>(),
                    ));
                }
                blanks += s.blank_skipped();
            }
            assert_eq!(got, whole, "parts {parts}, crlf {crlf}");
            assert_eq!(blanks, blank, "parts {parts}, crlf {crlf}");
        }
    }
}
