CREATE SCHEMA IF NOT EXISTS "lake";
CREATE TABLE IF NOT EXISTS "lake"."agency" (
    "agency_id" VARCHAR(65535) ENCODE RAW NOT NULL,
    "company" VARCHAR(65535) ENCODE ZSTD,
    "salutation" VARCHAR(65535) ENCODE ZSTD,
    "firstname" VARCHAR(65535) ENCODE ZSTD,
    "lastname" VARCHAR(65535) ENCODE ZSTD,
    "street" VARCHAR(65535) ENCODE ZSTD,
    "house_number" VARCHAR(65535) ENCODE ZSTD,
    "postcode" VARCHAR(65535) ENCODE ZSTD,
    "city" VARCHAR(65535) ENCODE ZSTD,
    "country_code" VARCHAR(65535) ENCODE ZSTD,
    "phone_number" VARCHAR(65535) ENCODE ZSTD,
    "cell_phone_number" VARCHAR(65535) ENCODE ZSTD,
    "fax_number" VARCHAR(65535) ENCODE ZSTD,
    "email" VARCHAR(65535) ENCODE ZSTD,
    "homepage_url" VARCHAR(65535) ENCODE ZSTD,
    "dt" DATE ENCODE AZ64 NOT NULL,
    "hour" SMALLINT ENCODE AZ64 NOT NULL
)
DISTSTYLE ALL
COMPOUND SORTKEY ("agency_id");
BEGIN;
CREATE TEMPORARY TABLE "batchlake_stage_agency" (
    "agency_id" VARCHAR(65535),
    "company" VARCHAR(65535),
    "salutation" VARCHAR(65535),
    "firstname" VARCHAR(65535),
    "lastname" VARCHAR(65535),
    "street" VARCHAR(65535),
    "house_number" VARCHAR(65535),
    "postcode" VARCHAR(65535),
    "city" VARCHAR(65535),
    "country_code" VARCHAR(65535),
    "phone_number" VARCHAR(65535),
    "cell_phone_number" VARCHAR(65535),
    "fax_number" VARCHAR(65535),
    "email" VARCHAR(65535),
    "homepage_url" VARCHAR(65535)
);
COPY "batchlake_stage_agency" ("agency_id", "company", "salutation", "firstname", "lastname", "street", "house_number", "postcode", "city", "country_code", "phone_number", "cell_phone_number", "fax_number", "email", "homepage_url")
FROM 's3://example-bucket/lake/clean/agency/dt=2019-01-13/hour=00/manifest.json'
IAM_ROLE 'arn:aws:iam::123456789012:role/batchlake-redshift-copy'
MANIFEST CSV GZIP IGNOREHEADER 1 TIMEFORMAT 'auto' DATEFORMAT 'auto' EMPTYASNULL
COMPUPDATE OFF STATUPDATE OFF;
SELECT pg_last_copy_id(), pg_last_copy_count();
DELETE FROM "lake"."agency" WHERE "dt" = DATE '2019-01-13' AND "hour" = 0;
DELETE FROM "lake"."agency" USING "batchlake_stage_agency" AS "stage"
WHERE "agency"."agency_id" = "stage"."agency_id" AND ("agency"."dt" < DATE '2019-01-13' OR ("agency"."dt" = DATE '2019-01-13' AND "agency"."hour" < 0));
INSERT INTO "lake"."agency" ("agency_id", "company", "salutation", "firstname", "lastname", "street", "house_number", "postcode", "city", "country_code", "phone_number", "cell_phone_number", "fax_number", "email", "homepage_url", "dt", "hour")
SELECT "stage"."agency_id", "stage"."company", "stage"."salutation", "stage"."firstname", "stage"."lastname", "stage"."street", "stage"."house_number", "stage"."postcode", "stage"."city", "stage"."country_code", "stage"."phone_number", "stage"."cell_phone_number", "stage"."fax_number", "stage"."email", "stage"."homepage_url", DATE '2019-01-13', 0 FROM "batchlake_stage_agency" AS "stage"
WHERE NOT EXISTS (SELECT 1 FROM "lake"."agency" AS "newer" WHERE "newer"."agency_id" = "stage"."agency_id");
DROP TABLE "batchlake_stage_agency";
COMMIT;
