-- An uploader lists their own inferences (was in V3 until the application's tables moved to their own migrations).
CREATE INDEX inference_user_idx ON inference (user_name, created_at, id);
