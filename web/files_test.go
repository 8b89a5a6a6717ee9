package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func uploadApp() *fiber.App {
	srv := &Server{Logger: discardLogger()}
	app := fiber.New(fiber.Config{ErrorHandler: srv.HandleError})
	app.Post("/api/v1/upload", func(c *fiber.Ctx) error {
		name, content, err := ReadUpload(c, 1<<20)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"name": name, "size": len(content)})
	})
	return app
}

func upload(t *testing.T, app *fiber.App, name string, content []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	w.Close()
	req := httptest.NewRequest("POST", "/api/v1/upload", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestAnUploadUpToTheLimitIsReadWhole(t *testing.T) {
	status, body := upload(t, uploadApp(), "plan.pdf", bytes.Repeat([]byte("x"), 1<<20))
	if status != 200 || body != `{"name":"plan.pdf","size":1048576}` {
		t.Fatalf("got %d %s", status, body)
	}
}

func TestAnUploadOverTheLimitIsRefusedAsTooLargeSayingTheLimit(t *testing.T) {
	status, body := upload(t, uploadApp(), "plan.pdf", bytes.Repeat([]byte("x"), 1<<20+1))
	if status != 413 || !strings.Contains(body, "The file must be smaller than 1 MB") {
		t.Fatalf("got %d %s", status, body)
	}
}

func TestAFileNotSentAsAFormIsRefusedBesideTheFileField(t *testing.T) {
	req := httptest.NewRequest("POST", "/api/v1/upload", strings.NewReader("x"))
	req.Header.Set("Content-Type", "application/pdf")
	res, err := uploadApp().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 422 || !strings.Contains(string(b), "Send the file as multipart/form-data in the field file") {
		t.Fatalf("got %d %s", res.StatusCode, b)
	}
}

func TestADownloadIsAnAttachmentTheBrowserWillNotRender(t *testing.T) {
	app := fiber.New()
	app.Get("/f", func(c *fiber.Ctx) error {
		return SendFile(c, File{Name: "Plan v2.html", SHA256: "abc", Content: []byte("<script>")})
	})
	res, err := app.Test(httptest.NewRequest("GET", "/f", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	for h, want := range map[string]string{
		"Content-Type":           "application/octet-stream",
		"Content-Disposition":    `attachment; filename="Plan v2.html"`,
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "private, no-store",
		"X-Content-SHA256":       "abc",
	} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s: got %q, want %q", h, got, want)
		}
	}
}
