-- A restore step's objects go back to Graph as the vault stored them. jsonb normalises numbers
-- (1.0e-7 reads back as 0.00000010, -0.5E+10 as -5000000000); json keeps the text as written.
ALTER TABLE restore_steps
    ALTER COLUMN after_json TYPE json USING after_json::json,
    ALTER COLUMN before_json TYPE json USING before_json::json;
