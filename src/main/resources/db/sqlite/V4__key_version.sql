-- The master key version of a row encrypted at rest (store/crypto/RowCipher), NULL for a plaintext row. It is read
-- from the sealed text ("soma:enc:v<version>:…"), which every sealed row has, so the column can never disagree with
-- the ciphertext and the store needs no knowledge of encryption. The index finds the rows a key rotation has yet to
-- re-seal: WHERE tenant = ? AND key_version < ?.
ALTER TABLE memories ADD COLUMN key_version INTEGER GENERATED ALWAYS AS (
  CASE WHEN substr(text, 1, 10) = 'soma:enc:v'
    THEN CAST(substr(text, 11, instr(substr(text, 11), ':') - 1) AS INTEGER) END) VIRTUAL;

CREATE INDEX memories_tenant_key_version ON memories (tenant, key_version) WHERE key_version IS NOT NULL;
