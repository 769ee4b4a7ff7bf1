SELECT TRIM(filename), line_number, TRIM(colname), err_code, TRIM(err_reason), TRIM(raw_field_value)
FROM stl_load_errors WHERE query = pg_last_copy_id() ORDER BY starttime DESC, line_number LIMIT 10;
