-- Where a note or message came from as the integration named it ("Voicemail transcription"),
-- and the name of the API key that wrote it, as it was then ("via Shopify").
ALTER TABLE messages ADD COLUMN source TEXT;
ALTER TABLE messages ADD COLUMN author_label TEXT;
