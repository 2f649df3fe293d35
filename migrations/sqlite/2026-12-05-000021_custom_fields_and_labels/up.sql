-- The organization's custom fields, each typed (text, number or date), which the contact pane
-- shows and whose values are checked; and its labels, which the label pickers offer.
CREATE TABLE custom_fields (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX custom_fields_name ON custom_fields (organization_id, name);

CREATE TABLE labels (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, name)
);
-- The labels contacts already carry.
INSERT INTO labels (organization_id, name, created_at)
SELECT DISTINCT contacts.organization_id, label.value, CURRENT_TIMESTAMP
FROM contacts, json_each(contacts.labels) AS label
WHERE label.type = 'text';
