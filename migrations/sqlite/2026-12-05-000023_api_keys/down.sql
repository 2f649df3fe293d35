DROP TABLE api_key_minutes;
DROP TABLE api_keys;
