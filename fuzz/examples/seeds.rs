//! Writes the small seed corpora of fuzz/corpus/ that cannot be copied from test files: each
//! URI of the corpora as its own input, the migration payloads as raw protobuf, the Aegis
//! fixture's database as plaintext, and pictures of QR codes (PNG, JPEG, WebP, BMP, TIFF; one code and
//! two) and raw grey pixels of one code. Run from fuzz/: `cargo run --example seeds`.

use std::fs;
use std::io::Cursor;
use std::path::Path;

use image::{GrayImage, ImageFormat, Luma};

const TOTP: &str = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME";
const HOTP: &str = "otpauth://hotp/Bank:me?secret=GEZDGNBVGY3TQOJQ&counter=5";

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new("corpus").join(target);
    fs::create_dir_all(&dir).expect("corpus folder");
    fs::write(dir.join(name), bytes).expect("seed");
}

fn lines(path: &str) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The QR codes of `texts` side by side, `scale` pixels per module, a 4-module quiet zone.
fn picture(texts: &[&str], scale: u32) -> GrayImage {
    let codes: Vec<qrcode::QrCode> = texts
        .iter()
        .map(|t| qrcode::QrCode::new(t.as_bytes()).expect("QR code"))
        .collect();
    let side = |c: &qrcode::QrCode| (c.width() as u32 + 8) * scale;
    let width = codes.iter().map(side).sum();
    let height = codes.iter().map(side).max().unwrap_or(0);
    let mut image = GrayImage::from_pixel(width, height, Luma([255]));
    let mut x0 = 0;
    for code in &codes {
        let modules = code.width() as u32;
        for (i, color) in code.to_colors().iter().enumerate() {
            if *color == qrcode::Color::Dark {
                let (mx, my) = (i as u32 % modules + 4, i as u32 / modules + 4);
                for dy in 0..scale {
                    for dx in 0..scale {
                        image.put_pixel(x0 + mx * scale + dx, my * scale + dy, Luma([0]));
                    }
                }
            }
        }
        x0 += side(code);
    }
    image
}

fn encoded(image: &GrayImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageLuma8(image.clone())
        .to_rgb8()
        .write_to(&mut out, format)
        .expect("encode");
    out.into_inner()
}

fn main() {
    let shared = "../tests/fixtures/interop";
    for (i, line) in lines("../tests/fixtures/uri/valid.tsv").iter().enumerate() {
        let uri = line.split('\t').next().unwrap_or_default();
        write("otpauth_uri", &format!("valid-{i:02}"), uri.as_bytes());
    }
    for (i, uri) in lines(&format!("{shared}/aegis-fixtures/plain.txt"))
        .iter()
        .enumerate()
    {
        write("otpauth_uri", &format!("plain-{i:02}"), uri.as_bytes());
    }

    let mut payloads = lines("../tests/fixtures/migration/payloads.txt");
    payloads.extend(lines(&format!(
        "{shared}/google-migration/example_export.txt"
    )));
    for (i, uri) in payloads.iter().enumerate() {
        let data = uri.split_once("data=").map_or("", |(_, d)| d);
        let base64 = data
            .replace("%2B", "+")
            .replace("%2F", "/")
            .replace("%3D", "=");
        let bytes = data_encoding::BASE64
            .decode(base64.as_bytes())
            .unwrap_or_else(|e| panic!("{uri}: {e}"));
        let mut seed = vec![0u8];
        seed.extend_from_slice(&bytes);
        write("migration", &format!("payload-{i:02}"), &seed);
    }

    let aegis: serde_json::Value = serde_json::from_slice(
        &fs::read(format!("{shared}/aegis-fixtures/aegis_plain.json")).expect("aegis fixture"),
    )
    .expect("aegis JSON");
    let db = serde_json::to_vec(&aegis["db"]).expect("db");
    write("aegis_decrypt", "aegis_plain_db.json", &db);

    let one = picture(&[TOTP], 2);
    let two = picture(&[TOTP, HOTP], 2);
    write("qr_image", "one.png", &encoded(&one, ImageFormat::Png));
    write("qr_image", "one.jpg", &encoded(&one, ImageFormat::Jpeg));
    write("qr_image", "one.webp", &encoded(&one, ImageFormat::WebP));
    write("qr_image", "one.bmp", &encoded(&one, ImageFormat::Bmp));
    write("qr_image", "one.tiff", &encoded(&one, ImageFormat::Tiff));
    write("qr_image", "two.png", &encoded(&two, ImageFormat::Png));

    let small = picture(&["otpauth://totp/A?secret=JBSWY3DPEHPK3PXP"], 1);
    let mut pixels = vec![(small.width() - 1) as u8];
    pixels.extend_from_slice(small.as_raw());
    write("qr_pixels", "one.grey", &pixels);
}
