//! Multipart uploads: CreateMultipartUpload (`POST ?uploads`), UploadPart
//! (`PUT ?partNumber=&uploadId=`), CompleteMultipartUpload (`POST ?uploadId=`, the XML part
//! list checked as S3 checks it: ascending part numbers, ETags that match, every part but the
//! last at least the bucket's minimum part size), AbortMultipartUpload (`DELETE ?uploadId=`),
//! ListParts (`GET ?uploadId=`) and ListMultipartUploads (`GET /<bucket>?uploads`).
//!
//! The object's ETag is S3's: the hex MD5 of the concatenated binary MD5s of the parts, a dash
//! and the number of parts. Uploads in progress live in memory only.
//!
//! Checksums ([`checksum`]): an upload may choose CRC32 or CRC64NVME and `FULL_OBJECT` or
//! `COMPOSITE`; every part must then carry that algorithm's checksum, which ListParts lists and
//! CompleteMultipartUpload compares with the `<ChecksumCRC32>` / `<ChecksumCRC64NVME>` of each
//! listed part (`InvalidPart`) and, for `FULL_OBJECT`, with a whole-object checksum header
//! (`BadDigest`). The object keeps the resulting checksum and its type.

use super::checksum::{self, Algorithm, ChecksumType, StoredChecksum};
use super::policy::Access;
use super::store::ObjectMeta;
use super::xml::{self, Doc};
use super::{check_content_md5, meta_from_request, parse_max, Ctx};
use crate::http::Resp;
use md5::{Digest, Md5};
use std::collections::BTreeMap;

/// Part numbers S3 accepts.
const PART_NUMBERS: std::ops::RangeInclusive<u32> = 1..=10_000;

/// One uploaded part.
#[derive(Debug, Clone)]
pub struct Part {
    /// The part's ETag (quoted hex MD5).
    pub etag: String,
    /// The binary MD5.
    pub md5: [u8; 16],
    /// The bytes.
    pub data: Vec<u8>,
    /// Upload time, milliseconds since the epoch.
    pub last_modified_ms: i64,
    /// The part's checksum, when it was sent with one.
    pub checksum: Option<StoredChecksum>,
}

/// An upload in progress.
#[derive(Debug, Clone)]
pub struct Upload {
    /// Bucket.
    pub bucket: String,
    /// Key of the object it will make.
    pub key: String,
    /// The identity that started it.
    pub initiator: String,
    /// Start time, milliseconds since the epoch.
    pub initiated_ms: i64,
    /// Content type, metadata and stored headers for the object.
    pub meta: ObjectMeta,
    /// Parts by number.
    pub parts: BTreeMap<u32, Part>,
    /// The checksum algorithm and type CreateMultipartUpload chose.
    pub checksum: Option<(Algorithm, ChecksumType)>,
}

/// The uploads in progress, by upload id.
#[derive(Debug, Default)]
pub struct Uploads {
    map: BTreeMap<String, Upload>,
}

fn no_such_upload(id: &str) -> Resp {
    xml::error(
        404,
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or \
         completed.",
        &[("UploadId", id.to_string())],
    )
}

/// The `uploadId` parameter of a request and the upload it names, which must be for this
/// request's bucket and key.
fn upload_of(ctx: &Ctx) -> Result<(String, Upload), Resp> {
    let id = ctx.param("uploadId").unwrap_or("").to_string();
    let s3 = ctx.app.s3.lock().unwrap();
    match s3.uploads.map.get(&id) {
        Some(u) if u.bucket == ctx.bucket.name && u.key == ctx.key => Ok((id, u.clone())),
        _ => Err(no_such_upload(&id)),
    }
}

fn owner(doc: &mut Doc, element: &str, id: &str) {
    doc.open(element).leaf("ID", id).leaf("DisplayName", id).close(element);
}

/// CreateMultipartUpload.
pub fn create(ctx: &Ctx) -> Result<Resp, Resp> {
    ctx.authorize(Access::Write, &ctx.key)?;
    if ctx.key.is_empty() {
        return Err(xml::error(400, "InvalidRequest", "An object key is required", &[]));
    }
    let chosen = checksum::for_multipart(ctx.req)?;
    let now = ctx.app.clock.now_ms();
    let id = crate::crypto::b64url(&crate::crypto::random_bytes(48));
    let upload = Upload {
        bucket: ctx.bucket.name.clone(),
        key: ctx.key.clone(),
        initiator: ctx.who.as_ref().map(|w| w.identity_id.clone()).unwrap_or_default(),
        initiated_ms: now,
        meta: meta_from_request(ctx.req, now),
        parts: BTreeMap::new(),
        checksum: chosen,
    };
    ctx.app.s3.lock().unwrap().uploads.map.insert(id.clone(), upload);
    let mut doc = Doc::new("InitiateMultipartUploadResult", true);
    doc.leaf("Bucket", &ctx.bucket.name).leaf("Key", &ctx.key).leaf("UploadId", &id);
    let mut resp = Resp::new(200, "application/xml", doc.finish("InitiateMultipartUploadResult"));
    if let Some((algorithm, kind)) = chosen {
        resp = resp
            .with_header("x-amz-checksum-algorithm", algorithm.name())
            .with_header("x-amz-checksum-type", kind.name());
    }
    Ok(resp)
}

/// UploadPart.
pub fn upload_part(ctx: &Ctx) -> Result<Resp, Resp> {
    ctx.authorize(Access::Write, &ctx.key)?;
    let raw = ctx.param("partNumber").unwrap_or("");
    let number = raw.parse::<u32>().ok().filter(|n| PART_NUMBERS.contains(n)).ok_or_else(|| {
        xml::error(
            400,
            "InvalidArgument",
            "Part number must be an integer between 1 and 10000, inclusive",
            &[("ArgumentName", "partNumber".into()), ("ArgumentValue", raw.to_string())],
        )
    })?;
    let (id, upload) = upload_of(ctx)?;
    check_content_md5(ctx.req)?;
    let sent = checksum::from_request(ctx.req)?;
    if let Some((algorithm, _)) = upload.checksum {
        match sent.as_ref().and_then(StoredChecksum::algorithm) {
            Some(other) if other != algorithm => {
                return Err(xml::error(
                    400,
                    "InvalidRequest",
                    &format!(
                        "Checksum Type mismatch occurred, expected checksum Type: {}, actual checksum Type: {}",
                        algorithm.name().to_lowercase(),
                        other.name().to_lowercase()
                    ),
                    &[],
                ))
            }
            // The value itself must be sent: x-amz-sdk-checksum-algorithm alone is not enough.
            _ if ctx.req.header(algorithm.header()).is_none() => {
                return Err(xml::error(
                    400,
                    "InvalidRequest",
                    &format!(
                        "The upload was created using a {} checksum. The part request must include the checksum \
                         in the {} header.",
                        algorithm.name().to_lowercase(),
                        algorithm.header()
                    ),
                    &[],
                ))
            }
            _ => {}
        }
    }
    let md5: [u8; 16] = Md5::digest(&ctx.req.body).into();
    let etag = format!("\"{}\"", crate::crypto::hex(&md5));
    let part = Part {
        etag: etag.clone(),
        md5,
        data: ctx.req.body.clone(),
        last_modified_ms: ctx.app.clock.now_ms(),
        checksum: sent.clone(),
    };
    let mut s3 = ctx.app.s3.lock().unwrap();
    // The upload may have been completed or aborted meanwhile.
    let upload = s3.uploads.map.get_mut(&id).ok_or_else(|| no_such_upload(&id))?;
    upload.parts.insert(number, part);
    let mut headers = vec![("etag".into(), etag)];
    if let Some(c) = &sent {
        headers.extend(c.algorithm().map(|a| (a.header().to_string(), c.value.clone())));
    }
    Ok(Resp { status: 200, headers, body: Vec::new() })
}

fn unquote(etag: &str) -> &str {
    etag.trim().trim_matches('"')
}

/// CompleteMultipartUpload.
pub fn complete(ctx: &Ctx) -> Result<Resp, Resp> {
    ctx.authorize(Access::Write, &ctx.key)?;
    let (id, upload) = upload_of(ctx)?;
    let listed = xml::parse_complete(&ctx.req.body).filter(|p| !p.is_empty()).ok_or_else(|| {
        xml::error(
            400,
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema",
            &[],
        )
    })?;
    if listed.windows(2).any(|w| w[0].number >= w[1].number) {
        return Err(xml::error(
            400,
            "InvalidPartOrder",
            "The list of parts was not in ascending order. Parts must be ordered by part number.",
            &[("UploadId", id.clone())],
        ));
    }
    if let (Some(sent), Some((_, kind))) = (ctx.req.header("x-amz-checksum-type"), upload.checksum) {
        if sent.trim() != kind.name() {
            return Err(xml::error(
                400,
                "InvalidRequest",
                &format!(
                    "The upload was created using the {} checksum mode. The complete request must use the same \
                     checksum mode.",
                    kind.name()
                ),
                &[],
            ));
        }
    }
    if let Some((algorithm, ChecksumType::Composite)) = upload.checksum {
        if let Some(p) = listed.iter().find(|p| !p.checksums.iter().any(|(a, _)| *a == algorithm)) {
            return Err(xml::error(
                400,
                "InvalidRequest",
                &format!(
                    "The upload was created using a {} checksum. The complete request must include the checksum for \
                     each part. It was missing for part {} in the request.",
                    algorithm.name().to_lowercase(),
                    p.number
                ),
                &[],
            ));
        }
    }
    let mut chosen = Vec::with_capacity(listed.len());
    for p in &listed {
        // Every checksum listed for a part must be the one stored with it.
        let same_checksums = |part: &Part| {
            p.checksums.iter().all(|(a, v)| {
                part.checksum.as_ref().is_some_and(|c| c.algorithm() == Some(*a) && c.value == *v)
            })
        };
        match upload.parts.get(&p.number) {
            Some(part) if unquote(&part.etag) == unquote(&p.etag) && same_checksums(part) => {
                chosen.push((p.number, part))
            }
            _ => {
                return Err(xml::error(
                    400,
                    "InvalidPart",
                    "One or more of the specified parts could not be found.  The part may not have been uploaded, or \
                     the specified entity tag may not match the part's entity tag.",
                    &[("UploadId", id.clone()), ("PartNumber", p.number.to_string()), ("ETag", p.etag.clone())],
                ))
            }
        }
    }
    let min = ctx.bucket.min_part_size();
    if let Some((number, part)) = chosen[..chosen.len() - 1].iter().find(|(_, part)| (part.data.len() as u64) < min) {
        return Err(xml::error(
            400,
            "EntityTooSmall",
            "Your proposed upload is smaller than the minimum allowed object size.",
            &[
                ("ProposedSize", part.data.len().to_string()),
                ("MinSizeAllowed", min.to_string()),
                ("PartNumber", number.to_string()),
                ("ETag", unquote(&part.etag).to_string()),
            ],
        ));
    }
    let mut md5s = Vec::with_capacity(chosen.len() * 16);
    let mut data = Vec::with_capacity(chosen.iter().map(|(_, p)| p.data.len()).sum());
    for (_, part) in &chosen {
        md5s.extend_from_slice(&part.md5);
        data.extend_from_slice(&part.data);
    }
    let etag = format!("\"{}-{}\"", crate::crypto::hex(&Md5::digest(&md5s)), chosen.len());
    let object_checksum = upload.checksum.map(|(algorithm, kind)| match kind {
        ChecksumType::FullObject => StoredChecksum::full(algorithm, algorithm.base64(&data)),
        ChecksumType::Composite => {
            let joined: Vec<u8> = chosen.iter().flat_map(|(_, part)| algorithm.digest(&part.data)).collect();
            StoredChecksum {
                algorithm: algorithm.name().into(),
                value: format!("{}-{}", algorithm.base64(&joined), chosen.len()),
                kind: kind.name().into(),
            }
        }
    });
    check_whole_object_checksum(ctx, upload.checksum, object_checksum.as_ref(), &data)?;
    let mut meta = upload.meta.clone();
    meta.etag = etag.clone();
    meta.checksum = object_checksum.clone();
    meta.size = data.len() as u64;
    meta.last_modified_ms = ctx.app.clock.now_ms();
    {
        let mut s3 = ctx.app.s3.lock().unwrap();
        if s3.uploads.map.remove(&id).is_none() {
            return Err(no_such_upload(&id));
        }
        s3.store.put(&ctx.bucket.name, &ctx.key, meta, data).map_err(super::internal)?;
    }
    let host = ctx.req.header("host").unwrap_or("127.0.0.1");
    let location = format!("http://{host}{}", ctx.req.raw_path);
    let mut doc = Doc::new("CompleteMultipartUploadResult", true);
    doc.leaf("Location", &location).leaf("Bucket", &ctx.bucket.name).leaf("Key", &ctx.key).leaf("ETag", &etag);
    if let Some(c) = object_checksum.as_ref().filter(|c| c.algorithm().is_some()) {
        doc.leaf(c.algorithm().map_or("", Algorithm::element), &c.value).leaf("ChecksumType", &c.kind);
    }
    Ok(Resp::new(200, "application/xml", doc.finish("CompleteMultipartUploadResult")))
}

/// Compares the whole-object checksum header a CompleteMultipartUpload request may send with
/// the checksum of the object it makes: for a `FULL_OBJECT` upload the CRC of the assembled
/// bytes, for a `COMPOSITE` one the composite value (`…-<parts>`), for an upload without an
/// algorithm the CRC of the bytes (`BadDigest` when they differ). Another algorithm than the
/// upload's is `InvalidRequest`.
fn check_whole_object_checksum(
    ctx: &Ctx,
    chosen: Option<(Algorithm, ChecksumType)>,
    object_checksum: Option<&StoredChecksum>,
    data: &[u8],
) -> Result<(), Resp> {
    let Some((sent_algorithm, sent)) = checksum::whole_object_header(ctx.req)? else { return Ok(()) };
    let expected = match (chosen, object_checksum) {
        (Some((algorithm, _)), _) if algorithm != sent_algorithm => {
            return Err(xml::error(
                400,
                "InvalidRequest",
                &format!(
                    "Checksum Type mismatch occurred, expected checksum Type: {}, actual checksum Type: {}",
                    algorithm.name().to_lowercase(),
                    sent_algorithm.name().to_lowercase()
                ),
                &[],
            ))
        }
        (Some(_), Some(c)) => c.value.clone(),
        _ => sent_algorithm.base64(data),
    };
    if sent != expected {
        return Err(checksum::bad_digest(&sent_algorithm.name().to_lowercase()));
    }
    Ok(())
}

/// AbortMultipartUpload.
pub fn abort(ctx: &Ctx) -> Result<Resp, Resp> {
    ctx.authorize(Access::Write, &ctx.key)?;
    let (id, _) = upload_of(ctx)?;
    ctx.app.s3.lock().unwrap().uploads.map.remove(&id);
    Ok(Resp { status: 204, headers: Vec::new(), body: Vec::new() })
}

/// ListParts.
pub fn list_parts(ctx: &Ctx) -> Result<Resp, Resp> {
    ctx.authorize(Access::Write, &ctx.key)?;
    let (id, upload) = upload_of(ctx)?;
    let max = parse_max(ctx, "max-parts")?;
    let marker_raw = ctx.param("part-number-marker").unwrap_or("0");
    let marker: u32 = marker_raw.parse().map_err(|_| {
        xml::error(
            400,
            "InvalidArgument",
            "Provided part-number-marker not an integer or within integer range",
            &[("ArgumentName", "part-number-marker".into()), ("ArgumentValue", marker_raw.to_string())],
        )
    })?;
    let after: Vec<(&u32, &Part)> = upload.parts.range(marker.saturating_add(1)..).collect();
    let truncated = after.len() > max;
    let page = &after[..after.len().min(max)];
    let mut doc = Doc::new("ListPartsResult", true);
    doc.leaf("Bucket", &ctx.bucket.name).leaf("Key", &ctx.key).leaf("UploadId", &id);
    owner(&mut doc, "Initiator", &upload.initiator);
    owner(&mut doc, "Owner", &upload.initiator);
    doc.leaf("StorageClass", "STANDARD");
    if let Some((algorithm, kind)) = upload.checksum {
        doc.leaf("ChecksumAlgorithm", algorithm.name()).leaf("ChecksumType", kind.name());
    }
    doc.leaf("PartNumberMarker", &marker.to_string());
    if let Some((n, _)) = page.last() {
        doc.leaf("NextPartNumberMarker", &n.to_string());
    }
    doc.leaf("MaxParts", &max.to_string()).leaf("IsTruncated", if truncated { "true" } else { "false" });
    for (n, p) in page {
        doc.open("Part")
            .leaf("PartNumber", &n.to_string())
            .leaf("LastModified", &crate::clock::iso8601(p.last_modified_ms))
            .leaf("ETag", &p.etag)
            .leaf("Size", &p.data.len().to_string());
        if let Some((a, c)) = p.checksum.as_ref().and_then(|c| Some((c.algorithm()?, c))) {
            doc.leaf(a.element(), &c.value);
        }
        doc.close("Part");
    }
    Ok(Resp::new(200, "application/xml", doc.finish("ListPartsResult")))
}

/// ListMultipartUploads (the `prefix` must be one the caller may list).
pub fn list_uploads(ctx: &Ctx) -> Result<Resp, Resp> {
    let prefix = ctx.param("prefix").unwrap_or("").to_string();
    ctx.authorize(Access::List, &prefix)?;
    let max = parse_max(ctx, "max-uploads")?;
    let key_marker = ctx.param("key-marker").unwrap_or("").to_string();
    let id_marker = ctx.param("upload-id-marker").unwrap_or("").to_string();
    let mut uploads: Vec<(String, Upload)> = {
        let s3 = ctx.app.s3.lock().unwrap();
        s3.uploads
            .map
            .iter()
            .filter(|(_, u)| u.bucket == ctx.bucket.name && u.key.starts_with(&prefix))
            .map(|(id, u)| (id.clone(), u.clone()))
            .collect()
    };
    // S3 orders by key, then by initiation time.
    uploads.sort_by(|a, b| (&a.1.key, a.1.initiated_ms, &a.0).cmp(&(&b.1.key, b.1.initiated_ms, &b.0)));
    if !key_marker.is_empty() {
        uploads
            .retain(|(id, u)| u.key > key_marker || (u.key == key_marker && !id_marker.is_empty() && *id > id_marker));
    }
    let truncated = uploads.len() > max;
    uploads.truncate(max);
    let mut doc = Doc::new("ListMultipartUploadsResult", true);
    doc.leaf("Bucket", &ctx.bucket.name).leaf("KeyMarker", &key_marker).leaf("UploadIdMarker", &id_marker);
    if let (true, Some((id, u))) = (truncated, uploads.last()) {
        doc.leaf("NextKeyMarker", &u.key).leaf("NextUploadIdMarker", id);
    }
    doc.leaf("Prefix", &prefix)
        .leaf("MaxUploads", &max.to_string())
        .leaf("IsTruncated", if truncated { "true" } else { "false" });
    for (id, u) in &uploads {
        doc.open("Upload").leaf("Key", &u.key).leaf("UploadId", id);
        owner(&mut doc, "Initiator", &u.initiator);
        owner(&mut doc, "Owner", &u.initiator);
        doc.leaf("StorageClass", "STANDARD").leaf("Initiated", &crate::clock::iso8601(u.initiated_ms)).close("Upload");
    }
    Ok(Resp::new(200, "application/xml", doc.finish("ListMultipartUploadsResult")))
}
