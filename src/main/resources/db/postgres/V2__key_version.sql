-- The master key version of a row encrypted at rest (store/crypto/RowCipher), NULL for a plaintext row, read from the
-- sealed text ("soma:enc:v<version>:…") that every sealed row has: it cannot disagree with the ciphertext, and the
-- store needs no knowledge of encryption. The index finds the rows a key rotation has yet to re-seal.
ALTER TABLE memories ADD COLUMN key_version integer GENERATED ALWAYS AS (
  CASE WHEN left(text, 10) = 'soma:enc:v' THEN split_part(substr(text, 11), ':', 1)::integer END) STORED;

CREATE INDEX memories_tenant_key_version ON memories (tenant, key_version) WHERE key_version IS NOT NULL;
