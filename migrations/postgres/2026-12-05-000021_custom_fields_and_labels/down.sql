DROP TABLE labels;
DROP TABLE custom_fields;
