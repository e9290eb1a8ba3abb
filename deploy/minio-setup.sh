#!/bin/sh
# The media bucket in MinIO, run by compose.yaml's minio-setup service (image minio/mc)
# before the app starts; safe to run again. Reads deploy/tandem.env.
set -eu

refuse_placeholder() {
    case "$2" in
        "" | change-me*)
            echo "minio-setup: set $1 in deploy/tandem.env (it is empty or still change-me)" >&2
            exit 1
            ;;
    esac
}
# MinIO is reachable from the internet through the proxy: no default credentials.
refuse_placeholder MINIO_ROOT_PASSWORD "${MINIO_ROOT_PASSWORD:-}"
refuse_placeholder TANDEM_S3_SECRET_ACCESS_KEY "${TANDEM_S3_SECRET_ACCESS_KEY:-}"

root_user="${MINIO_ROOT_USER:?set MINIO_ROOT_USER in deploy/tandem.env}"
app_key="${TANDEM_S3_ACCESS_KEY_ID:?set TANDEM_S3_ACCESS_KEY_ID in deploy/tandem.env}"
bucket="${TANDEM_S3_BUCKET:-tandem-media}"
mc alias set local http://minio:9000 "$root_user" "$MINIO_ROOT_PASSWORD"

mc mb --ignore-existing "local/$bucket"
# Versioning keeps what was deleted or overwritten, so a mistake (or an attacker with the
# app's key) cannot destroy media for good at once...
mc version enable "local/$bucket"
# ...and this lifecycle rule removes those old versions after NONCURRENT_VERSION_DAYS, so
# that media erased on withdrawn consent or at the end of retention is gone for good
# within the promise. Importing replaces the bucket's rules: running again changes nothing.
printf '{"Rules": [{"ID": "expire-noncurrent-versions", "Status": "Enabled", "Filter": {"Prefix": ""}, "NoncurrentVersionExpiration": {"NoncurrentDays": %d}}]}\n' \
    "${NONCURRENT_VERSION_DAYS:-7}" | mc ilm import "local/$bucket"

# The app's own key (TANDEM_S3_ACCESS_KEY_ID / TANDEM_S3_SECRET_ACCESS_KEY), never the root
# one: objects and multipart uploads in its bucket, and nothing that removes old versions
# or changes the bucket's versioning and lifecycle.
cat > /tmp/tandem-app-policy.json <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      "Resource": ["arn:aws:s3:::$bucket"]
    },
    {
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:AbortMultipartUpload",
        "s3:ListMultipartUploadParts"
      ],
      "Resource": ["arn:aws:s3:::$bucket/*"]
    }
  ]
}
EOF
mc admin policy create local tandem-app /tmp/tandem-app-policy.json
mc admin user add local "$app_key" "$TANDEM_S3_SECRET_ACCESS_KEY"
# Attaching a policy the user already has is refused as "already in effect": fine.
mc admin policy attach local tandem-app --user "$app_key" \
    || mc admin user info local "$app_key" | grep -q tandem-app
echo "minio-setup: bucket $bucket ready (versioned), key $app_key allowed to use it"
